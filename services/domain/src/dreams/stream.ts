import { canonicalId } from '@dreamcatcher/contracts';

const PREFIX = 'dream-';

/** The stream that holds one dream's events; the id in its canonical (lower-case) spelling, so one dream is one stream. */
export const dreamStreamId = (dreamId: string): string => `${PREFIX}${canonicalId(dreamId)}`;

/** The dream id of a dream stream; `undefined` for any other stream. */
export const dreamIdFromStreamId = (streamId: string): string | undefined =>
  streamId.startsWith(PREFIX) && streamId.length > PREFIX.length ? streamId.slice(PREFIX.length) : undefined;

const PREFIX = 'dream-';

/** The stream that holds one dream's events. */
export const dreamStreamId = (dreamId: string): string => `${PREFIX}${dreamId}`;

/** The dream id of a dream stream; `undefined` for any other stream. */
export const dreamIdFromStreamId = (streamId: string): string | undefined =>
  streamId.startsWith(PREFIX) && streamId.length > PREFIX.length ? streamId.slice(PREFIX.length) : undefined;

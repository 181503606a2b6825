import type { RecordedEvent } from '../event-store.js';

/** An events row as the read statements select it. */
export interface EventRow {
  id: string;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  stream_id: string;
  revision: bigint | string;
  position: bigint | string;
}

// BigInt() accepts both: the kit makes int8 arrive as bigint, a bare pool delivers strings.
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
  };
}

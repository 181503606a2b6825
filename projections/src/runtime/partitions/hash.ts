/**
 * Which partition a stream belongs to: a stable hash of the stream id, modulo the number of
 * partitions. FNV-1a (32-bit, over the id's UTF-8 bytes) is specified byte for byte, so every
 * replica, every version of Node.js and any tool in another language agrees on it; stream
 * ids are random UUIDs, which it spreads evenly.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function streamHash(streamId: string): number {
  let hash = FNV_OFFSET;
  for (const byte of Buffer.from(streamId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The partition (0..count-1) that applies the events of `streamId`. */
export function partitionOf(streamId: string, count: number): number {
  return count <= 1 ? 0 : streamHash(streamId) % count;
}

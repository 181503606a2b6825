/**
 * Telling the stream cache who was erased. Erasure destroys a person's data key (and is
 * done by whichever process the admin called), so "erased" is read from the keys: a subject
 * whose key can no longer be read. The keys are cached for DATA_KEY_CACHE_TTL_MS, so an
 * entry holding an erased person's data is dropped within about twice that: on its next use,
 * or by the sweep, whichever comes first.
 */
import type { DataKeys } from '@dreamcatcher/audit';
import type { Logger } from '@dreamcatcher/service-kit';
import type { ErasedAmong } from './load-stream.js';
import type { StreamCache } from './stream-cache.js';

export function erasedAmongFor(keys: Pick<DataKeys, 'keysForReading'>): ErasedAmong {
  return async (subjects) => {
    if (subjects.size === 0) return new Set();
    const found = await keys.keysForReading(subjects);
    return new Set([...subjects].filter((subject) => found.get(subject) === undefined));
  };
}

/** Drops, every `intervalMs`, the entries of people erased since; returns a stop function. */
export function sweepErased(cache: StreamCache, erasedAmong: ErasedAmong, intervalMs: number, logger: Logger): () => void {
  const timer = setInterval(() => {
    erasedAmong(cache.subjects())
      .then((erased) => erased.size && logger.info('dropped cached streams of erased people', { streams: cache.forgetSubjects(erased) }))
      .catch((error: Error) => logger.warn('could not check cached streams for erasures', { error: error.message }));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Memory of the system's processes over a load hold, read from /proc, and the verdict on it:
 * after warm-up, the median of the last window may exceed the median of the first by at most
 * the allowed growth. Medians, because a garbage collector makes memory saw up and down
 * between samples.
 *
 * The verdict is on the memory a process holds: its resident *anonymous* memory (RssAnon:
 * the heaps, native allocations) less the free part of its V8 heap (heap size - heap in
 * use). That is where a leak shows, in live objects or native allocations. Two parts of
 * resident memory move without one:
 * - file-backed pages (the node binary, mapped modules), which the kernel evicts when it
 *   reclaims cold memory and reloads when they are touched again: on a machine that
 *   reclaims proactively (DAMON), total RSS dips and recovers by tens of megabytes;
 * - the V8 heap's free capacity: V8 shrinks the heap after a memory-reducing collection and
 *   grows it back in steps when allocation picks up (a projector seen at 63 MB of heap, 40,
 *   then 60 again, with 26 to 30 MB in use throughout), so anonymous memory alone can
 *   "grow" 30 % from such a low with nothing held.
 * Anonymous memory, RSS and the heap are printed beside the verdict.
 */
import { readFile } from 'node:fs/promises';

/** What a process holds: resident anonymous memory less the free part of its V8 heap. */
export function heldBytes(anonymous: number, heap: { used: number; total: number }): number {
  return anonymous - (heap.total - heap.used);
}

/** Resident memory of a process in bytes, total and anonymous; undefined when it is gone. */
export async function residentBytes(pid: number): Promise<{ rss: number; anonymous: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    const [rss, anonymous] = [kb('VmRSS'), kb('RssAnon')];
    return Number.isNaN(rss) || Number.isNaN(anonymous) ? undefined : { rss, anonymous };
  } catch {
    return undefined;
  }
}

/**
 * The V8 heap as a service's /metrics reports it (prom-client's default metrics): the bytes
 * in use, and the heap's size, what V8 has committed for it (most of the anonymous memory; it
 * grows in steps when V8 decides to, and is slow to give back); undefined when unavailable.
 */
export async function heapBytes(serviceUrl: string): Promise<{ used: number; total: number } | undefined> {
  try {
    const text = await (await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
    const read = (metric: string) => Number(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const [used, total] = [read('nodejs_heap_size_used_bytes'), read('nodejs_heap_size_total_bytes')];
    return Number.isNaN(used) || Number.isNaN(total) ? undefined : { used, total };
  } catch {
    return undefined;
  }
}

/** Medians of consecutive windows of `windowSeconds`: the shape of a series, in a few numbers. */
export function trend(samples: Sample[], windowSeconds: number): number[] {
  const windows = new Map<number, number[]>();
  for (const sample of samples) {
    const index = Math.floor(sample.at / windowSeconds);
    windows.set(index, [...(windows.get(index) ?? []), sample.bytes]);
  }
  return [...windows.entries()].sort(([a], [b]) => a - b).map(([, values]) => median(values));
}

export interface Sample {
  /** Seconds since the hold began. */
  at: number;
  bytes: number;
}

export interface MemoryVerdict {
  service: string;
  /** Median of the first window after warm-up, and of the last window. */
  first: number;
  last: number;
  growth: number;
  stable: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Judges one process's samples: warm-up ends `warmUpSeconds` into the hold; the windows are
 * `windowSeconds` long; growth above `allowed` (0.1 = 10 %) fails.
 */
export function judgeMemory(service: string, samples: Sample[], { warmUpSeconds, windowSeconds, allowed }: { warmUpSeconds: number; windowSeconds: number; allowed: number }): MemoryVerdict {
  const after = samples.filter((sample) => sample.at >= warmUpSeconds);
  if (!after.length) throw new Error(`${service}: no samples after warm-up`);
  const end = after.at(-1)!.at;
  const first = median(after.filter((sample) => sample.at < warmUpSeconds + windowSeconds).map((sample) => sample.bytes));
  const last = median(after.filter((sample) => sample.at > end - windowSeconds).map((sample) => sample.bytes));
  const growth = (last - first) / first;
  return { service, first, last, growth, stable: growth <= allowed };
}

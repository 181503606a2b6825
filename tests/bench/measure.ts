/**
 * Measuring: closed-loop load with a warm-up and a timed window, percentiles, and the
 * median-with-spread summary every figure of the benchmark is reported as.
 */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (`p` in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Half the range as a percentage of the median: the ± a reader sees. */
  spreadPct: number;
  runs: number[];
}

export function summarize(runs: readonly number[]): Summary {
  const mid = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median: mid, min, max, spreadPct: mid ? ((max - min) / 2 / Math.abs(mid)) * 100 : 0, runs: [...runs] };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Window {
  warmupMs: number;
  windowMs: number;
}

export interface LoopResult {
  /** Operations completed inside the window. */
  count: number;
  /** Operations completed from the start of the warm-up until the loops stopped. */
  total: number;
  seconds: number;
  /** Completions per second inside the window. */
  rate: number;
  /** Latency (ms) of every operation completed inside the window. */
  latencies: number[];
  errors: number;
  firstError?: Error | undefined;
  /** CPU this process spent during the window, in cores (1 = one core busy all the time). */
  clientCpuCores: number;
  /** The window, in `performance.now()` time. */
  from: number;
  to: number;
}

/**
 * `workers` loops call `op` back to back: `warmupMs` unmeasured, then every completion
 * within `windowMs` counts (whenever it started), then the loops stop. Failing operations
 * are counted, not timed; more than 1% of them makes the result an error, since the
 * figure would then measure failure handling.
 */
export async function closedLoop(workers: number, window: Window, op: (worker: number, n: number) => Promise<void>): Promise<LoopResult> {
  let phase: 'warmup' | 'window' | 'stop' = 'warmup';
  let count = 0;
  let total = 0;
  let errors = 0;
  let firstError: Error | undefined;
  const latencies: number[] = [];
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let n = 0; phase !== 'stop'; n++) {
      const started = performance.now();
      try {
        await op(worker, n);
      } catch (error) {
        errors++;
        firstError ??= error as Error;
        continue;
      }
      total++;
      if (phase === 'window') {
        count++;
        latencies.push(performance.now() - started);
      }
    }
  });
  await sleep(window.warmupMs);
  phase = 'window';
  const errorsBefore = errors;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await sleep(window.windowMs);
  const ended = performance.now();
  const seconds = (ended - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  phase = 'stop';
  await Promise.all(loops);
  const windowErrors = errors - errorsBefore;
  if (windowErrors > Math.max(1, count / 100)) {
    throw new Error(`${windowErrors} of ${count + windowErrors} operations failed; first: ${firstError?.message}`);
  }
  return { count, total, seconds, rate: count / seconds, latencies, errors, firstError, clientCpuCores: (cpu.user + cpu.system) / 1e6 / seconds, from: started, to: ended };
}

/** Runs `work` `times` times, in order, collecting what each run returns. */
export async function repeat<T>(times: number, work: (run: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 0; run < times; run++) results.push(await work(run));
  return results;
}

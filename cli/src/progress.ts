/** A progress bar on stderr for long work (silent with --json, --no-progress, or when stderr is not a terminal). */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  /** `done` of `total` units; `payload` fills the `{name}` fields of the format. */
  update(done: number, total: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const NONE: ProgressBar = { update: () => undefined, stop: () => undefined };

export function progressBar(stream: NodeJS.WritableStream, format: string, enabled: boolean): ProgressBar {
  if (!enabled) return NONE;
  const bar = new cliProgress.SingleBar({ stream, format, hideCursor: true, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
  let running = false;
  return {
    update(done, total, payload = {}) {
      const size = Math.max(1, total);
      if (!running) {
        bar.start(size, 0, payload);
        running = true;
      }
      bar.setTotal(size);
      bar.update(Math.min(size, Math.max(0, done)), payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** Progress through sparse store positions from `first` to `head`, as a fraction of that range. */
export function positionProgress(bar: ProgressBar) {
  let first: bigint | undefined;
  const started = performance.now();
  return (position: bigint, head: bigint, events: number) => {
    first ??= position;
    const rate = Math.round(events / Math.max(0.001, (performance.now() - started) / 1_000));
    bar.update(Number(position - first), Number(head - first), { events, rate });
  };
}

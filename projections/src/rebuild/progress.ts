/** A progress bar for rebuilds (stderr; silent when stderr is not a terminal). */
import cliProgress from 'cli-progress';
import type { Progress } from './build.js';

export interface ProgressReporter {
  update(progress: Progress): void;
  stop(): void;
}

export function progressBar(label: string, stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} |{bar}| {percentage}% | {events} events | {rate} events/s`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let first: bigint | undefined;
  let running = false;
  return {
    update({ position, head, events }) {
      // Positions are sparse (derived from transaction ids), so progress is measured in position space.
      first ??= position;
      const total = Math.max(1, Number(head - first));
      const rate = Math.round(events / Math.max(0.001, (performance.now() - started) / 1_000));
      const payload = { events, rate };
      if (!running) {
        bar.start(total, 0, payload);
        running = true;
      }
      bar.setTotal(total);
      bar.update(Math.min(total, Number(position - first)), payload);
    },
    stop() {
      if (running) bar.stop();
    },
  };
}

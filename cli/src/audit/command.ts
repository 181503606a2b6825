/** `dreamcatcher audit verify`: the audit library's chain verification over the raw store (no keys needed). */
import { InvalidArgumentError, type Command } from 'commander';
import type { BrokenLink } from '@dreamcatcher/audit';
import { EXIT, type CliContext } from '../context.js';
import { positionProgress, progressBar } from '../progress.js';
import { readConfig, withStore } from '../resources.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function describeBreak(link: BrokenLink): string {
  return `${link.streamId} revision ${link.revision} (event ${link.eventId}, position ${link.position}): ${link.reason} — ${link.detail}`;
}

export function auditCommand(program: Command, context: CliContext): void {
  const group = program.command('audit').description('tamper evidence of the event history');
  group
    .command('verify')
    .description("recompute every stream's hash chain (or one dream's) and report the first broken link of each; exit 1 when one is broken")
    .option('--dream <id>', 'only this dream', (value: string) => {
      if (!UUID.test(value)) throw new InvalidArgumentError('a dream id is a UUID.');
      return value;
    })
    .option('--no-progress', 'no progress bar')
    .action(async (options: { dream?: string; progress: boolean }) => {
      const { verifyAll, verifyDream } = await import('@dreamcatcher/audit');
      await withStore(
        readConfig(context.env),
        async (store) => {
          if (options.dream) {
            const result = await verifyDream(store, options.dream);
            context.print(result, () =>
              context.io.out(result.ok ? `intact: dream ${result.dreamId}, ${result.checked} event(s) up to revision ${result.headRevision ?? 'none'}` : `BROKEN: ${describeBreak(result.firstBroken!)}`),
            );
            if (!result.ok) context.setExitCode(EXIT.failed);
            return;
          }
          const bar = progressBar(context.io.progress, 'verify |{bar}| {percentage}% | {events} events | {rate} events/s', options.progress && !context.json());
          const track = positionProgress(bar);
          try {
            const result = await verifyAll(store, { onProgress: (p) => track(BigInt(p.position), BigInt(p.head), p.checked) });
            bar.stop();
            context.print(result, () => {
              if (result.ok) return context.io.out(`intact: ${result.checked} event(s) in ${result.streams} stream(s), up to position ${result.lastPosition ?? 'none'}`);
              context.io.out(`BROKEN: ${result.brokenStreams} of ${result.streams} stream(s); ${result.checked} event(s) checked`);
              for (const link of result.broken) context.io.out(`  ${describeBreak(link)}`);
            });
            if (!result.ok) context.setExitCode(EXIT.failed);
          } finally {
            bar.stop();
          }
        },
        { audited: false },
      );
    });
}

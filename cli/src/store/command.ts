/**
 * `dreamcatcher store copy --from <store> --to <store>`: copies every event from one event
 * store to another (the event store package's copier), e.g. from the embedded PostgreSQL
 * store to EventStoreDB. Resumable: its place is kept in `event_store.copy_checkpoints` on
 * the PostgreSQL side of the copy (or `--checkpoint-db`), and a re-run continues there;
 * Ctrl-C stops after the append in progress and saves the place.
 */
import type { Command } from 'commander';
import { EXIT, parseCount, usage, type CliContext } from '../context.js';
import { positionProgress, progressBar } from '../progress.js';
import { describeLocation, lastCommitted, openStore, type OpenedStore } from './connection.js';

interface CopyCommandOptions {
  from: string;
  to: string;
  checkpointDb?: string;
  restart?: boolean;
  pageSize: number;
  rate?: number;
  progress: boolean;
}

export function storeCommand(program: Command, context: CliContext): void {
  const group = program.command('store').description('the event store itself');
  group
    .command('copy')
    .description('copy every event into another store, in order, with ids, metadata and hash chains intact; a re-run continues where the last stopped')
    .requiredOption('--from <store>', 'source: a PostgreSQL URL (postgres://...) or an EventStoreDB connection string (esdb://...)')
    .requiredOption('--to <store>', 'target, likewise')
    .option('--checkpoint-db <url>', 'PostgreSQL database to keep the copy\'s place in (default: the PostgreSQL side of the copy)')
    .option('--restart', 'forget the kept place and start from the first event (what is already there is skipped as a repeat)')
    .option('--page-size <n>', 'events read from the source at a time', parseCount, 500)
    .option('--rate <n>', 'at most this many events a second (to spare stores in use)', parseCount)
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nExamples:\n  dreamcatcher store copy --from postgres://postgres@127.0.0.1:5432/dreamcatcher --to "esdb://admin:changeit@esdb:2113?tls=false"\n  dreamcatcher store copy --from "esdb://esdb:2113?tls=false" --to postgres://postgres@127.0.0.1:5432/restored --json\n\nThe data keys of encrypted fields stay in DATABASE_URL (audit.data_keys); only events move.',
    )
    .action(async (options: CopyCommandOptions) => {
      if (describeLocation(options.from) === describeLocation(options.to)) throw usage('--from and --to name the same store');
      const { copyEvents, PostgresCopyCheckpoint } = await import('@dreamcatcher/event-store');
      const opened: OpenedStore[] = [];
      const bar = progressBar(context.io.progress, 'copy |{bar}| {percentage}% | {events} events | {rate} events/s', options.progress && !context.json());
      try {
        const source = await openStore(options.from);
        opened.push(source);
        const target = await openStore(options.to);
        opened.push(target);
        let place = target.pool ?? source.pool;
        if (options.checkpointDb) {
          const side = await openStore(options.checkpointDb);
          opened.push(side);
          place = side.pool;
        }
        if (!place) throw usage('neither store is PostgreSQL: name a PostgreSQL database to keep the copy\'s place in with --checkpoint-db');
        const checkpoint = new PostgresCopyCheckpoint(place, `${source.name} -> ${target.name}`);
        if (options.restart) await checkpoint.reset();
        const track = positionProgress(bar);
        const report = await copyEvents({
          source: source.store,
          target: target.store,
          checkpoint,
          pageSize: options.pageSize,
          ...(options.rate && { maxPerSecond: options.rate }),
          signal: context.signal,
          ...(source.pool && { atLeast: await lastCommitted(source.pool) }),
          onProgress: (progress) => track(progress.position ?? 0n, progress.head, progress.copied),
        });
        bar.stop();
        const result = { from: source.name, to: target.name, ...report };
        context.print(result, () =>
          context.io.out(
            report.complete
              ? `copied ${report.copied} event(s) from ${source.name} to ${target.name} in ${report.seconds.toFixed(1)} s; the target has everything up to source position ${report.position ?? 'none'}`
              : `interrupted after ${report.copied} event(s) at source position ${report.position ?? 'none'}; run the same command again to continue`,
          ),
        );
        if (!report.complete) context.setExitCode(EXIT.interrupted);
      } finally {
        bar.stop();
        for (const store of opened.reverse()) await store.close().catch(() => undefined);
      }
    });
}

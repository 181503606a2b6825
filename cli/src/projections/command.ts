/** `dreamcatcher projections rebuild|verify`: the projections package's rebuild, verify and point-in-time builds. */
import { Option, type Command } from 'commander';
import type { Progress, VerifyReport } from '@dreamcatcher/projections';
import { EXIT, parseCount, parsePosition, usage, type CliContext } from '../context.js';
import { positionProgress, progressBar } from '../progress.js';
import { readConfig, withStore } from '../resources.js';

interface RebuildOptions {
  verify?: boolean;
  until?: bigint;
  into?: string;
  pageSize?: number;
  progress: boolean;
}

/** The named projections (all when none), or a usage error naming the unknown ones. */
export function selectOrUsage(projections: typeof import('@dreamcatcher/projections'), names: string[]) {
  try {
    return projections.selectProjections(names);
  } catch (error) {
    throw usage((error as Error).message);
  }
}

function printVerify(context: CliContext, report: VerifyReport): void {
  for (const { projection, position, differences } of report.projections) {
    if (!differences.length) context.io.out(`${projection}: identical to a rebuild (at position ${position ?? 'none'})`);
    for (const d of differences) {
      context.io.out(`${projection}: ${d.table} differs: ${d.onlyLive} row(s) only live, ${d.onlyRebuilt} only rebuilt; e.g. ${JSON.stringify(d.samples.slice(0, 3))}`);
    }
  }
}

async function rebuild(context: CliContext, names: string[], options: RebuildOptions): Promise<void> {
  const projections = await import('@dreamcatcher/projections');
  const selected = selectOrUsage(projections, names);
  if ((options.until === undefined) !== (options.into === undefined)) throw usage('--until and --into go together');
  if (options.verify && options.into) throw usage('--verify cannot be combined with --into');
  const config = readConfig(context.env);
  await projections.migrateReadModels(config.databaseUrl);
  const bar = progressBar(context.io.progress, `${options.verify ? 'verify' : 'rebuild'} |{bar}| {percentage}% | {events} events | {rate} events/s`, options.progress && !context.json());
  const track = positionProgress(bar);
  const common = { projections: selected, ...(options.pageSize && { pageSize: options.pageSize }), onProgress: (p: Progress) => track(p.position, p.head, p.events) };
  try {
    // One connection per projection building in parallel, plus the store's reads and the locks.
    await withStore(config, async (store, pool) => {
      if (options.verify) {
        const report = await projections.verifyProjections({ pool, store, ...common });
        bar.stop();
        context.print(report, () => printVerify(context, report));
        if (!report.identical) context.setExitCode(EXIT.failed);
      } else if (options.into !== undefined && options.until !== undefined) {
        const report = await projections.rebuildUntil({ pool, store, ...common, until: options.until, into: options.into });
        bar.stop();
        context.print(report, () => context.io.out(`built ${report.projections.join(', ')} as at position ${report.position ?? 'none'} into schema ${report.schema} (${report.events} events)`));
      } else {
        const report = await projections.rebuildAndSwap({ pool, store, ...common });
        bar.stop();
        const rate = Math.round(report.events / Math.max(report.seconds, 0.001));
        context.print(report, () => context.io.out(`rebuilt ${report.projections.join(', ')}: ${report.events} events in ${report.seconds.toFixed(1)} s (${rate} events/s), checkpoint ${report.position ?? 'none'}`));
      }
    }, { poolSize: selected.length + 4 });
  } finally {
    bar.stop();
  }
}

export function projectionsCommand(program: Command, context: CliContext): void {
  const group = program.command('projections').description('rebuild read models from the event store, or check them against a rebuild');
  const common = (command: Command) =>
    command
      .argument('[names...]', 'projections (default: all): dream_summary, dream_detail, sync_status, user_activity, dream_search, catalogue')
      .option('--page-size <n>', 'events read and applied per transaction (default 10000)', parseCount)
      .option('--no-progress', 'no progress bar');

  common(group.command('rebuild'))
    .description('rebuild from the event store into fresh tables and swap them in (blue-green; live projectors pause only for the swap)')
    .option('--verify', 'rebuild aside and compare with the live tables instead; exit 1 on any difference')
    .addOption(new Option('--until <position>', 'only events up to this store position (with --into)').argParser(parsePosition))
    .option('--into <schema>', 'build into this schema instead of swapping (with --until), e.g. for an auditor')
    .addHelpText('after', '\nExamples:\n  dreamcatcher projections rebuild dream_summary\n  dreamcatcher projections rebuild --verify --json\n  dreamcatcher projections rebuild --until 123456 --into audit_2026_01')
    .action((names: string[], options: RebuildOptions) => rebuild(context, names, options));

  common(group.command('verify'))
    .description('rebuild aside and compare with the live tables (same as rebuild --verify); exit 1 on any difference')
    .action((names: string[], options: RebuildOptions) => rebuild(context, names, { ...options, verify: true }));
}

/**
 * `dreamcatcher lag`: how far the relay and each projection (and each partition of a
 * partitioned one) are behind the event store head, in positions and seconds, from their
 * checkpoints in PostgreSQL and the projections package's lag measure.
 */
import type { Command } from 'commander';
import { PROJECTION_NAMES, type Pool } from '@dreamcatcher/service-kit';
import type { CliContext } from '../context.js';
import { readConfig, withStore } from '../resources.js';
import { lagRow, lagTable, type LagReport } from './report.js';

/** A checkpoint table that does not exist yet (that component never ran) reads as no checkpoints. */
async function orNone<T>(read: () => Promise<T>, none: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return none;
    throw error;
  }
}

export async function measure(store: Parameters<typeof import('@dreamcatcher/projections').measureLag>[0], pool: Pool, relayName: string): Promise<LagReport> {
  const { currentPartitions, measureLag, readCheckpoints } = await import('@dreamcatcher/projections');
  const { readCheckpoint } = await import('@dreamcatcher/relay');
  const [relay, projections, partitions] = await Promise.all([
    orNone(() => readCheckpoint(pool, relayName), undefined),
    orNone(() => readCheckpoints(pool), {} as Record<string, bigint>),
    orNone(() => currentPartitions(pool), new Map()),
  ]);
  const checkpoints = new Map<string, bigint>(Object.entries(projections));
  if (relay !== undefined) checkpoints.set('relay', relay);
  const current = [...partitions.values()].flat();
  for (const row of current) checkpoints.set(`${row.projection}.p${row.partition}`, row.position);
  const names = ['relay', ...PROJECTION_NAMES, ...current.map((row) => `${row.projection}.p${row.partition}`)];
  const [lags, head] = await Promise.all([measureLag(store, checkpoints, names), store.headPosition()]);
  const items = [lagRow('relay', 'relay', relay, lags.get('relay'))];
  for (const projection of PROJECTION_NAMES) {
    items.push(lagRow(projection, 'projection', checkpoints.get(projection), lags.get(projection)));
    for (const row of current.filter((candidate) => candidate.projection === projection)) {
      const name = `${projection}.p${row.partition}`;
      items.push(lagRow(`${name}/${row.partitions}`, 'partition', row.position, lags.get(name)));
    }
  }
  return { head: head.toString(), items };
}

export function lagCommand(program: Command, context: CliContext): void {
  program
    .command('lag')
    .description("the relay's and each projection's checkpoint against the store head, in positions and seconds")
    .option('--relay <name>', "the relay's name (RELAY_NAME)", 'main')
    .action(async (options: { relay: string }) => {
      const report = await withStore(readConfig(context.env), (store, pool) => measure(store, pool, options.relay), { audited: false });
      context.print(report, () => lagTable(report).forEach((line) => context.io.out(line)));
    });
}

#!/usr/bin/env node
/**
 * The projections command line:
 *
 *   rebuild [names...]                      rebuild from the event store and swap in (blue-green)
 *   rebuild [names...] --verify             rebuild aside and report differences (exit 1 if any)
 *   rebuild [names...] --until P --into S   the read models as at position P, into schema S
 *   dead-letters list <projection>          messages the projector gave up on
 *   dead-letters show <projection> <id>     one of them, with its error
 *   dead-letters replay <projection> [ids...] | --all
 *   holes list [projection]                 dead-lettered events whose streams went on without them
 *   holes clear <projection> [stream]       accept the loss (a rebuild clears them itself)
 *
 * Configuration comes from the environment like the services (DATABASE_URL, AMQP_URL,
 * EVENT_STORE, EVENTSTORE_CONNECTION_STRING). `--json` prints machine-readable results.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, loadConfig, PROJECTION_NAMES, readCommonConfig, type Pool } from '@dreamcatcher/service-kit';
import amqplib from 'amqplib';
import { migrateReadModels } from './migrations.js';
import { surviveConnectionLoss } from './runtime/connection-loss.js';
import { selectProjections } from './registry.js';
import { DEFAULT_PAGE_SIZE } from './rebuild/build.js';
import { progressBar } from './rebuild/progress.js';
import { rebuildAndSwap, rebuildUntil, verifyProjections, type VerifyReport } from './rebuild/rebuild.js';
import { clearHoles, listHoles } from './runtime/holes.js';
import { READ_MODELS_SCHEMA } from './runtime/names.js';
import { listDeadLetters, replayDeadLetters, showDeadLetter, type DeadLetter } from './runtime/dead-letters.js';
import { openEventStore, readStoreConfig } from './store.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where the progress bar draws (stderr). */
  progress?: NodeJS.WritableStream;
}

const processIo: CliIo = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };

function readConfig(env: NodeJS.ProcessEnv) {
  return loadConfig((reader) => ({ ...readCommonConfig(reader, 'projections-cli'), ...readStoreConfig(reader) }), env);
}

async function withStore<T>(env: NodeJS.ProcessEnv, work: (pool: Pool, store: EventStore) => Promise<T>): Promise<T> {
  const config = readConfig(env);
  // One connection per projection building in parallel, plus the store's reads and the locks.
  const pool = await connectPostgres({ url: config.databaseUrl, max: PROJECTION_NAMES.length + 3, applicationName: 'projections-cli' });
  surviveConnectionLoss(pool);
  try {
    await migrateReadModels(config.databaseUrl);
    const store = await openEventStore(config, pool);
    try {
      return await work(pool, store);
    } finally {
      await store.close();
    }
  } finally {
    await pool.end();
  }
}

async function withBroker<T>(env: NodeJS.ProcessEnv, work: (connection: amqplib.ChannelModel) => Promise<T>): Promise<T> {
  const connection = await amqplib.connect(readConfig(env).amqpUrl, { clientProperties: { connection_name: 'projections-cli' } });
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function parsePosition(value: string): bigint {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(value)) throw new CommanderError(1, 'projections.position', `--until must be a decimal position, got "${value}"`);
  return BigInt(value);
}

function printVerify(io: CliIo, report: VerifyReport): void {
  for (const { projection, position, differences } of report.projections) {
    if (!differences.length) io.out(`${projection}: identical to a rebuild (at position ${position ?? 'none'})`);
    for (const d of differences) {
      io.out(`${projection}: ${d.table} differs: ${d.onlyLive} row(s) only live, ${d.onlyRebuilt} only rebuilt; e.g. ${JSON.stringify(d.samples.slice(0, 3))}`);
    }
  }
}

function printDeadLetter(io: CliIo, letter: DeadLetter): void {
  io.out(`${letter.messageId}  ${letter.type ?? '?'}  ${letter.streamId ?? '?'}@${letter.revision ?? '?'}  position ${letter.position ?? '?'}  attempts ${letter.attempts ?? '?'}  at ${letter.failedAt ?? '?'}`);
  io.out(`    ${letter.error ?? 'Error'}: ${letter.reason ?? ''}`);
}

export function buildProgram(env: NodeJS.ProcessEnv, io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('projections')
    .description('Rebuild read models and manage dead letters of the Dreamcatcher projectors')
    .option('--json', 'print results as JSON')
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .exitOverride();
  const json = () => Boolean(program.opts().json);
  const print = (value: unknown, human: () => void) => (json() ? io.out(JSON.stringify(value, null, 2)) : human());

  program
    .command('rebuild')
    .description('rebuild projections (all when none is named) from the event store')
    .argument('[names...]', 'projections to rebuild')
    .option('--verify', 'rebuild aside and compare with the live tables; exit 1 on any difference')
    .addOption(new Option('--until <position>', 'only events up to this store position (with --into)').argParser(parsePosition))
    .option('--into <schema>', 'build into this schema instead of swapping (with --until)')
    .option('--page-size <n>', 'events read and applied per transaction', (value) => Number(value), DEFAULT_PAGE_SIZE)
    .option('--no-progress', 'no progress bar')
    .action(async (names: string[], options: { verify?: boolean; until?: bigint; into?: string; pageSize: number; progress: boolean }) => {
      const projections = selectProjections(names);
      if ((options.until === undefined) !== (options.into === undefined)) throw new CommanderError(1, 'projections.usage', '--until and --into go together');
      if (options.verify && options.into) throw new CommanderError(1, 'projections.usage', '--verify cannot be combined with --into');
      const bar = options.progress && !json() ? progressBar('rebuild', io.progress ?? process.stderr) : undefined;
      const common = { projections, pageSize: options.pageSize, ...(bar && { onProgress: bar.update }) };
      try {
        await withStore(env, async (pool, store) => {
          if (options.verify) {
            const report = await verifyProjections({ pool, store, ...common });
            bar?.stop();
            print(report, () => printVerify(io, report));
            if (!report.identical) setExitCode(1);
          } else if (options.into !== undefined && options.until !== undefined) {
            const report = await rebuildUntil({ pool, store, ...common, until: options.until, into: options.into });
            bar?.stop();
            print(report, () => io.out(`built ${report.projections.join(', ')} as at position ${report.position ?? 'none'} into schema ${report.schema} (${report.events} events)`));
          } else {
            const report = await rebuildAndSwap({ pool, store, ...common });
            bar?.stop();
            const rate = Math.round(report.events / Math.max(report.seconds, 0.001));
            print(report, () => io.out(`rebuilt ${report.projections.join(', ')}: ${report.events} events in ${report.seconds.toFixed(1)} s (${rate} events/s), checkpoint ${report.position ?? 'none'}`));
          }
        });
      } finally {
        bar?.stop();
      }
    });

  const deadLetters = program.command('dead-letters').description("list, inspect and replay a projection's dead letters");
  deadLetters
    .command('list')
    .argument('<projection>')
    .option('--limit <n>', 'at most this many', (value) => Number(value), 1_000)
    .action(async (projection: string, options: { limit: number }) => {
      selectProjections([projection]);
      const letters = await withBroker(env, (connection) => listDeadLetters(connection, projection, { limit: options.limit }));
      print(letters, () => {
        io.out(`${letters.length} dead letter(s) for ${projection}`);
        for (const letter of letters) printDeadLetter(io, letter);
      });
    });
  deadLetters
    .command('show')
    .argument('<projection>')
    .argument('<messageId>', 'the message id (the event id)')
    .action(async (projection: string, messageId: string) => {
      selectProjections([projection]);
      const letter = await withBroker(env, (connection) => showDeadLetter(connection, projection, messageId));
      if (!letter) {
        io.err(`no dead letter ${messageId} for ${projection}`);
        return setExitCode(1);
      }
      print(letter, () => {
        printDeadLetter(io, letter);
        io.out(letter.stack ?? '');
        io.out(JSON.stringify(letter.body, null, 2));
      });
    });
  deadLetters
    .command('replay')
    .argument('<projection>')
    .argument('[messageIds...]', 'message ids to replay')
    .option('--all', 'replay every dead letter of the projection')
    .action(async (projection: string, messageIds: string[], options: { all?: boolean }) => {
      selectProjections([projection]);
      if (!options.all && !messageIds.length) throw new CommanderError(1, 'projections.usage', 'name message ids to replay, or pass --all');
      const replayed = await withBroker(env, (connection) => replayDeadLetters(connection, projection, options.all ? {} : { messageIds }));
      print({ replayed }, () => io.out(`replayed ${replayed.length} message(s) to ${projection}`));
      const missing = options.all ? [] : messageIds.filter((id) => !replayed.includes(id));
      if (missing.length) {
        io.err(`not found: ${missing.join(', ')}`);
        setExitCode(1);
      }
    });
  const holes = program.command('holes').description('events a projection dead-lettered and skipped (its read model lacks them)');
  holes
    .command('list')
    .argument('[projection]')
    .action(async (projection?: string) => {
      if (projection) selectProjections([projection]);
      const found = await withStore(env, (pool) => listHoles(pool, READ_MODELS_SCHEMA, projection));
      print(found.map((hole) => ({ ...hole, revision: hole.revision.toString() })), () => {
        io.out(`${found.length} hole(s)`);
        for (const hole of found) io.out(`${hole.projection}  ${hole.streamId}@${hole.revision}  ${hole.reason}`);
      });
    });
  holes
    .command('clear')
    .description('accept the loss (a rebuild applies every event and clears them itself)')
    .argument('<projection>')
    .argument('[streamId]', 'only this stream')
    .action(async (projection: string, streamId?: string) => {
      selectProjections([projection]);
      const cleared = await withStore(env, (pool) => clearHoles(pool, READ_MODELS_SCHEMA, projection, streamId));
      print({ cleared }, () => io.out(`cleared ${cleared} hole(s) of ${projection}`));
    });
  return program;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(env, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (!error.code.startsWith('commander.')) io.err(error.message);
      return error.exitCode || 1;
    }
    io.err(`error: ${(error as Error).message}`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}

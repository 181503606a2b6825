/**
 * The audit command line:
 *
 *   verify --all              recompute every stream's hash chain (exit 1 when one is broken)
 *   verify --dream <id>       the same for one dream
 *   erase --user <id>         crypto-shred a user's personal data and record UserDataErased
 *
 * `--json` prints machine-readable results. Configuration comes from the environment like
 * the services (DATABASE_URL, EVENT_STORE, EVENTSTORE_CONNECTION_STRING; for erase also
 * DATA_KEY_ENCRYPTION_KEY). Exit codes: 0 fine, 1 a broken chain or bad usage, 2 an error.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { canonicalId, isUuid, userIdProblem } from '@dreamcatcher/contracts';
import { createEventStore, eventStoreConfigFrom, type EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, loadConfig, readCommonConfig, type CommonConfig, type Pool } from '@dreamcatcher/service-kit';
import { createAuditedStore } from './audited-store.js';
import type { BrokenLink } from './chain/chain-check.js';
import { verifyAll, verifyDream } from './chain/verify.js';
import { readAuditConfig } from './config.js';
import { eraseSubject } from './erasure/erase-subject.js';
import { migrateAudit, PostgresDataKeys } from './keys/postgres-data-keys.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };

async function withStore<T>(config: CommonConfig, work: (pool: Pool, store: EventStore) => Promise<T>): Promise<T> {
  const pool = await connectPostgres({ url: config.databaseUrl, max: 4, applicationName: 'audit-cli' });
  try {
    const store = await createEventStore(eventStoreConfigFrom(config, pool));
    try {
      return await work(pool, store);
    } finally {
      await store.close();
    }
  } finally {
    await pool.end();
  }
}

function describeBreak(link: BrokenLink): string {
  return `${link.streamId} revision ${link.revision} (event ${link.eventId}, position ${link.position}): ${link.reason} — ${link.detail}`;
}

export function buildProgram(env: NodeJS.ProcessEnv, io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('audit')
    .description('Verify the hash chains of the Dreamcatcher event history, and erase personal data')
    .option('--json', 'print results as JSON')
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .exitOverride();
  const json = () => Boolean(program.opts().json);
  const print = (value: unknown, human: () => void) => (json() ? io.out(JSON.stringify(value, null, 2)) : human());
  const common = () => loadConfig((reader) => readCommonConfig(reader, 'audit-cli'), env);

  program
    .command('verify')
    .description('recompute hash chains and report the first broken link (exit 1 when there is one)')
    .addOption(new Option('--all', 'every stream of the store').conflicts('dream'))
    .addOption(new Option('--dream <id>', 'one dream').argParser((value) => {
      if (!isUuid(value)) throw new InvalidArgumentError('a dream id is a UUID.');
      return canonicalId(value);
    }))
    .action(async (options: { all?: boolean; dream?: string }) => {
      if (!options.all && !options.dream) throw new CommanderError(1, 'audit.usage', 'say what to verify: --all or --dream <id>');
      await withStore(common(), async (_pool, store) => {
        if (options.dream) {
          const result = await verifyDream(store, options.dream);
          print(result, () => io.out(result.ok
            ? `intact: dream ${result.dreamId}, ${result.checked} event(s) up to revision ${result.headRevision ?? 'none'}`
            : `BROKEN: ${describeBreak(result.firstBroken!)}`));
          if (!result.ok) setExitCode(1);
          return;
        }
        let lastReport = Date.now();
        const result = await verifyAll(store, {
          onProgress: (progress) => {
            if (json() || Date.now() - lastReport < 1_000) return;
            lastReport = Date.now();
            io.err(`checked ${progress.checked} event(s) in ${progress.streams} stream(s), at position ${progress.position} of ${progress.head}`);
          },
        });
        print(result, () => {
          if (result.ok) return io.out(`intact: ${result.checked} event(s) in ${result.streams} stream(s), up to position ${result.lastPosition ?? 'none'}`);
          io.out(`BROKEN: ${result.brokenStreams} of ${result.streams} stream(s); ${result.checked} event(s) checked`);
          for (const link of result.broken) io.out(`  ${describeBreak(link)}`);
        });
        if (!result.ok) setExitCode(1);
      });
    });

  program
    .command('erase')
    .description("destroy a user's data key (their personal fields become unreadable everywhere) and append UserDataErased")
    .requiredOption('--user <id>', 'the user (data subject) to erase', (value: string) => {
      const problem = userIdProblem(value);
      if (problem) throw new InvalidArgumentError(`a user id ${problem}.`);
      return value;
    })
    .option('--actor <id>', 'who asked for the erasure (recorded as the event\'s userId)', 'audit-cli')
    .action(async (options: { user: string; actor: string }) => {
      const config = loadConfig((reader) => ({ ...readCommonConfig(reader, 'audit-cli'), ...readAuditConfig(reader) }), env);
      await migrateAudit(config.databaseUrl);
      await withStore(config, async (pool, store) => {
        const keys = new PostgresDataKeys(pool, { masterKey: config.dataKeyEncryptionKey, cacheTtlMs: 0 });
        const result = await eraseSubject(createAuditedStore(store, { keys }), keys, options.user, { actor: options.actor });
        print(result, () => io.out(`erased ${result.subjectId} at ${result.erasedAt}${result.destroyedKey ? '' : ' (no key was left to destroy)'}; UserDataErased is ${result.streamId} revision ${result.revision}, position ${result.position}`));
      });
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

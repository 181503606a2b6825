/**
 * `dreamcatcher`: the operator command line. Every command reads its configuration from the
 * environment like the services (DATABASE_URL, AMQP_URL, EVENT_STORE, ...), answers `--help`,
 * and with `--json` prints machine-readable output on stdout (progress goes to stderr).
 * Exit codes: 0 done, 1 a check failed or bad usage, 2 an error, 130 interrupted.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@dreamcatcher/service-kit';
import { apiKeysCommand } from './api-keys/command.js';
import { auditCommand } from './audit/command.js';
import { EXIT, processIo, toJson, type CliContext, type CliIo } from './context.js';
import { deadLettersCommand } from './dead-letters/command.js';
import { tailCommand } from './events/tail.js';
import { lagCommand } from './lag/command.js';
import { projectionsCommand } from './projections/command.js';
import { storeCommand } from './store/command.js';

const EXAMPLES = `
Configuration comes from the environment, as for the services: DATABASE_URL, AMQP_URL,
EVENT_STORE (postgres|esdb), EVENTSTORE_CONNECTION_STRING, DATA_KEY_ENCRYPTION_KEY.

Examples:
  dreamcatcher api-keys create ana "Ana's laptop"
  dreamcatcher projections rebuild --verify
  dreamcatcher dead-letters list dream_detail --json
  dreamcatcher tail --type FragmentCaptured
  dreamcatcher audit verify
  dreamcatcher lag
  dreamcatcher store copy --from postgres://... --to esdb://...`;

/** `0.1.0 (compiled)` or `0.1.0 (TypeScript sources)`: which of the two the bin ran. */
function version(): string {
  const { version: number } = createRequire(import.meta.url)('../package.json') as { version: string };
  return `${number} (${import.meta.url.endsWith('.ts') ? 'TypeScript sources' : 'compiled'})`;
}

export function buildProgram(context: CliContext): Command {
  const program = new Command('dreamcatcher')
    .description('Operate a Dreamcatcher backend: API keys, projections, dead letters, events, audit, lag and store copies')
    .version(version(), '-V, --version', 'the version, and whether it runs compiled or from the TypeScript sources')
    .option('--json', 'machine-readable output on stdout (NDJSON for tail)')
    .configureOutput({ writeOut: (text) => context.io.out(text.trimEnd()), writeErr: (text) => context.io.err(text.trimEnd()) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES)
    .exitOverride();
  apiKeysCommand(program, context);
  projectionsCommand(program, context);
  deadLettersCommand(program, context);
  tailCommand(program, context);
  auditCommand(program, context);
  lagCommand(program, context);
  storeCommand(program, context);
  // Every command group answers --help, shows help when run bare, and fails like the root.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (text) => context.io.out(text.trimEnd()), writeErr: (text) => context.io.err(text.trimEnd()) });
    if (command.commands.length) command.action(() => command.help({ error: true }));
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], { env = process.env, io = processIo, signal = new AbortController().signal }: { env?: NodeJS.ProcessEnv; io?: CliIo; signal?: AbortSignal } = {}): Promise<number> {
  let exitCode: number = EXIT.ok;
  let program: Command | undefined;
  const context: CliContext = {
    env,
    io,
    signal,
    json: () => Boolean(program?.opts().json),
    setExitCode: (code) => (exitCode = code),
    print: (value, human) => (context.json() ? io.out(toJson(value, 2)) : human()),
  };
  program = buildProgram(context);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (!error.code.startsWith('commander.')) io.err(`error: ${error.message}`);
      return error.exitCode || EXIT.failed;
    }
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}`);
      return EXIT.failed;
    }
    const message = (error as Error).message;
    io.err(`error: ${message}`);
    if (context.json()) io.out(toJson({ error: { message, name: (error as Error).name } }));
    return EXIT.error;
  }
}

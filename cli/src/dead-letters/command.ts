/** `dreamcatcher dead-letters list|show|replay`: the projections package's dead-letter functions. */
import type { Command } from 'commander';
import type { DeadLetter } from '@dreamcatcher/projections';
import { EXIT, parseCount, usage, type CliContext } from '../context.js';
import { selectOrUsage } from '../projections/command.js';
import { readConfig, withBroker } from '../resources.js';

function describe(letter: DeadLetter): string[] {
  return [
    `${letter.messageId}  ${letter.type ?? '?'}  ${letter.streamId ?? '?'}@${letter.revision ?? '?'}  position ${letter.position ?? '?'}  attempts ${letter.attempts ?? '?'}  at ${letter.failedAt ?? '?'}`,
    `    ${letter.error ?? 'Error'}: ${letter.reason ?? ''}`,
  ];
}

async function projections(name: string) {
  const module = await import('@dreamcatcher/projections');
  selectOrUsage(module, [name]);
  return module;
}

export function deadLettersCommand(program: Command, context: CliContext): void {
  const group = program.command('dead-letters').description("messages a projector gave up on (kept with their error in the projection's dead-letter queue)");

  group
    .command('list')
    .description("a projection's dead letters, oldest first (they stay in the queue)")
    .argument('<projection>')
    .option('--limit <n>', 'at most this many', parseCount, 1_000)
    .action(async (projection: string, options: { limit: number }) => {
      const { listDeadLetters } = await projections(projection);
      const letters = await withBroker(readConfig(context.env), (connection) => listDeadLetters(connection, projection, { limit: options.limit }));
      context.print(letters, () => {
        context.io.out(`${letters.length} dead letter(s) for ${projection}`);
        for (const letter of letters) for (const line of describe(letter)) context.io.out(line);
      });
    });

  group
    .command('show')
    .description('one dead letter with its error, stack and body')
    .argument('<projection>')
    .argument('<messageId>', 'the message id (the event id)')
    .action(async (projection: string, messageId: string) => {
      const { showDeadLetter } = await projections(projection);
      const letter = await withBroker(readConfig(context.env), (connection) => showDeadLetter(connection, projection, messageId));
      if (!letter) {
        context.io.err(`no dead letter ${messageId} for ${projection}`);
        return context.setExitCode(EXIT.failed);
      }
      context.print(letter, () => {
        for (const line of describe(letter)) context.io.out(line);
        context.io.out(letter.stack ?? '');
        context.io.out(JSON.stringify(letter.body, null, 2));
      });
    });

  group
    .command('replay')
    .description('send dead letters back to the queue they came from (after fixing their cause)')
    .argument('<projection>')
    .argument('[messageIds...]', 'the message ids to replay')
    .option('--all', 'every dead letter of the projection')
    .action(async (projection: string, messageIds: string[], options: { all?: boolean }) => {
      if (!options.all && !messageIds.length) throw usage('name the message ids to replay, or pass --all');
      const { replayDeadLetters } = await projections(projection);
      const replayed = await withBroker(readConfig(context.env), (connection) => replayDeadLetters(connection, projection, options.all ? {} : { messageIds }));
      context.print({ replayed }, () => context.io.out(`replayed ${replayed.length} message(s) to ${projection}`));
      const missing = options.all ? [] : messageIds.filter((id) => !replayed.includes(id));
      if (missing.length) {
        context.io.err(`not found: ${missing.join(', ')}`);
        context.setExitCode(EXIT.failed);
      }
    });
}

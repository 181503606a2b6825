/**
 * `dreamcatcher tail`: follows the event store live (its `subscribeToAll`), one line per event
 * (NDJSON with --json), through the audited store so personal fields read as every reader sees
 * them. Starts at the head (new events only) unless `--from` names a position; stops on
 * Ctrl-C / SIGTERM, or after `--limit` events.
 */
import { Option, type Command } from 'commander';
import { parseCount, parsePosition, type CliContext } from '../context.js';
import { readConfig, withStore } from '../resources.js';
import { eventJson, eventLine, typeFilter } from './format.js';

interface TailOptions {
  from?: bigint;
  type: string[];
  limit?: number;
}

export function tailCommand(program: Command, context: CliContext): void {
  program
    .command('tail')
    .description('follow the event store live, one line per event (NDJSON with --json)')
    .addOption(new Option('--from <position>', 'start at this store position (inclusive; 0: the whole history) instead of the head').argParser(parsePosition))
    .option('--type <types...>', 'only these event types (repeat or separate with commas)', [])
    .option('--limit <n>', 'stop after this many events', parseCount)
    .addHelpText('after', '\nExamples:\n  dreamcatcher tail\n  dreamcatcher tail --from 0 --type DreamCreated,UserDataErased --json | jq .streamId')
    .action(async (options: TailOptions) => {
      const wanted = typeFilter(options.type);
      await withStore(readConfig(context.env), async (store) => {
        const after = options.from === undefined ? await store.headPosition() : options.from - 1n;
        const stop = new AbortController();
        const signal = AbortSignal.any([stop.signal, context.signal]);
        let shown = 0;
        context.io.err(`following the event store after position ${after < 0n ? 'none' : after} (Ctrl-C stops)`);
        const subscription = store.subscribeToAll({
          ...(after >= 0n && { after }),
          signal,
          onEvent: async (event) => {
            if (!wanted(event.type) || stop.signal.aborted) return;
            context.io.out(context.json() ? eventJson(event) : eventLine(event));
            if (options.limit !== undefined && ++shown >= options.limit) stop.abort();
          },
        });
        await subscription.done;
      });
    });
}

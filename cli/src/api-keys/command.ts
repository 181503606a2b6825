/** `dreamcatcher api-keys create|list|revoke`: the gateway's API key functions, for operators without an admin token. */
import type { Command } from 'commander';
import { migrate } from '@dreamcatcher/service-kit';
import { EXIT, type CliContext } from '../context.js';
import { readConfig, withPool } from '../resources.js';

async function withKeys<T>(context: CliContext, work: (gateway: typeof import('@dreamcatcher/gateway'), pool: import('@dreamcatcher/service-kit').Pool) => Promise<T>): Promise<T> {
  const config = readConfig(context.env);
  const gateway = await import('@dreamcatcher/gateway');
  await migrate({ url: config.databaseUrl, owner: 'gateway', migrations: gateway.apiKeyMigrations });
  return withPool(config, (pool) => work(gateway, pool), 1);
}

function row(key: { id: string; prefix: string; userId: string; name: string; createdAt: string; revokedAt: string | null; lastUsedAt: string | null }): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : `active, last used ${key.lastUsedAt ?? 'never'}`;
  return `${key.id}  dc_${key.prefix}_…  ${key.userId}  "${key.name}"  created ${key.createdAt}  ${state}`;
}

export function apiKeysCommand(program: Command, context: CliContext): void {
  const keys = program.command('api-keys').description("the extension's API keys (stored hashed, each bound to a user)");

  keys
    .command('create')
    .description('create a key for a user; the key is shown this once')
    .argument('<userId>', 'the user the key acts as (their token subject)')
    .argument('<name...>', 'what the key is for, e.g. "Ana\'s laptop"')
    .action(async (userId: string, name: string[]) => {
      const created = await withKeys(context, (gateway, pool) => gateway.createApiKey(pool, { userId, name: name.join(' ') }));
      context.print(created, () => {
        context.io.out(`created API key ${created.id} for ${created.userId} ("${created.name}"):`);
        context.io.out(`\n  ${created.key}\n`);
        context.io.err('The key is shown this once; store it now.');
      });
    });

  keys
    .command('list')
    .description('every key, newest first, without secrets')
    .option('--user <userId>', "only this user's keys")
    .action(async (options: { user?: string }) => {
      const list = await withKeys(context, (gateway, pool) => gateway.listApiKeys(pool, options.user ? { userId: options.user } : {}));
      context.print(list, () => {
        if (!list.length) context.io.out('no API keys');
        for (const key of list) context.io.out(row(key));
      });
    });

  keys
    .command('revoke')
    .description('revoke a key: it stops working at once on every gateway')
    .argument('<id>', 'the key id (from create or list)')
    .action(async (id: string) => {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
        context.io.err(`no API key ${id} (an id is a UUID)`);
        return context.setExitCode(EXIT.failed);
      }
      try {
        const revoked = await withKeys(context, (gateway, pool) => gateway.revokeApiKey(pool, id));
        context.print(revoked, () => context.io.out(`revoked ${revoked.id} (${revoked.userId}, "${revoked.name}") at ${revoked.revokedAt}`));
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        context.io.err(`no API key ${id}`);
        context.setExitCode(EXIT.failed);
      }
    });
}

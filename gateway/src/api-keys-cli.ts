// API keys from the command line, for operators without an admin token:
//   node gateway/dist/api-keys-cli.js create <userId> <name>
//   node gateway/dist/api-keys-cli.js list [userId]
//   node gateway/dist/api-keys-cli.js revoke <id>
// Uses DATABASE_URL (default: the local development database).
import { DEFAULT_DATABASE_URL, loadConfig, migrate } from '@dreamcatcher/service-kit';
import pg from 'pg';
import { apiKeyMigrations, createApiKey, listApiKeys, revokeApiKey } from './auth/api-keys.js';

const USAGE = 'usage: api-keys-cli create <userId> <name> | list [userId] | revoke <id>';

const { databaseUrl } = loadConfig((env) => ({ databaseUrl: env.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres', 'postgresql']) }));
const [command, ...args] = process.argv.slice(2);
if (!command || !['create', 'list', 'revoke'].includes(command)) {
  console.error(USAGE);
  process.exit(2);
}

await migrate({ url: databaseUrl, owner: 'gateway', migrations: apiKeyMigrations });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
try {
  if (command === 'create') {
    const created = await createApiKey(pool, { userId: args[0], name: args.slice(1).join(' ') });
    console.log(JSON.stringify(created, null, 2));
    console.error('The key is shown this once; store it now.');
  } else if (command === 'list') {
    console.log(JSON.stringify(await listApiKeys(pool, args[0] ? { userId: args[0] } : {}), null, 2));
  } else {
    if (!args[0]) throw new Error(USAGE);
    console.log(JSON.stringify(await revokeApiKey(pool, args[0]), null, 2));
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await pool.end();
}

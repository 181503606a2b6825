import { expect } from 'chai';
import pg from 'pg';
import { connectPostgres, databaseName, dropDatabase, ensureDatabase, inTransaction, redactUrl } from './postgres.js';
import { TEST_DATABASE_URL, uniqueName } from './testing/index.js';

function urlFor(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function exists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  await client.end();
  return rowCount === 1;
}

describe('PostgreSQL helpers', () => {
  const name = uniqueName('dc_kit');
  const url = urlFor(name);
  after(() => dropDatabase(url));

  it('creates a missing database, and tolerates concurrent creators', async () => {
    expect(await exists(name)).to.equal(false);
    await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(await exists(name)).to.equal(true);
  });

  it('reads 64-bit integers as bigint without losing precision', async () => {
    const pool = await connectPostgres({ url });
    try {
      const { rows } = await pool.query<{ big: bigint }>("SELECT '9223372036854775807'::bigint AS big");
      expect(rows[0]!.big).to.equal(9223372036854775807n);
    } finally {
      await pool.end();
    }
  });

  it('rolls a failed transaction back entirely', async () => {
    const pool = await connectPostgres({ url });
    try {
      await pool.query('CREATE TABLE items (id int primary key)');
      const failing = inTransaction(pool, async (client) => {
        await client.query('INSERT INTO items VALUES (1)');
        await client.query('INSERT INTO items VALUES (1)');
      });
      await failing.then(() => expect.fail('should fail'), (error: { code?: string }) => expect(error.code).to.equal('23505'));
      const { rowCount } = await pool.query('SELECT 1 FROM items');
      expect(rowCount).to.equal(0);
      await inTransaction(pool, (client) => client.query('INSERT INTO items VALUES (2)'));
      expect((await pool.query('SELECT id FROM items')).rows).to.deep.equal([{ id: 2 }]);
    } finally {
      await pool.end();
    }
  });

  it('names databases and hides passwords', () => {
    expect(databaseName('postgres://u:p@h:5432/my%20db')).to.equal('my db');
    expect(redactUrl('postgres://user:hunter2@db:5432/x')).to.equal('postgres://user:***@db:5432/x');
    expect(() => databaseName('postgres://h:5432/')).to.throw(/no database name/);
  });
});

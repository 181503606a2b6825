import { expect } from 'chai';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { useTestDatabase } from '@dreamcatcher/service-kit/testing';
import { surviveConnectionLoss } from './connection-loss.js';
import { isTransient } from './failures.js';

describe('a connection lost while its client is checked out', function () {
  this.timeout(30_000);
  const database = useTestDatabase('dc_proj_loss');
  let pool: Pool;
  let admin: Pool;

  before(async () => {
    pool = await connectPostgres({ url: database.url, max: 2, applicationName: 'checked-out' });
    surviveConnectionLoss(pool);
    admin = await connectPostgres({ url: database.url, max: 1, applicationName: 'terminator' });
  });

  after(async () => {
    await pool?.end();
    await admin?.end();
  });

  it('does not crash the process: the next query fails as an outage, and the pool carries on', async () => {
    const client = await pool.connect();
    try {
      // Without a listener of its own, a checked-out client's 'error' event would be thrown as uncaught.
      expect(client.listenerCount('error')).to.be.greaterThan(0);
      await client.query('BEGIN');
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'checked-out'");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const failure = await client.query('SELECT 1').then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure, 'the query on the lost connection').to.be.instanceOf(Error);
      expect(isTransient(failure), failure?.message).to.equal(true);
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).to.equal(1);
  });
});

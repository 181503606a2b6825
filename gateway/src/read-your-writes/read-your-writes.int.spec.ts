import { expect } from 'chai';
import { aCapture, useGateway } from '../testing/gateway-fixture.js';

describe('gateway: read-your-writes', () => {
  const gw = useGateway({ readModels: true, env: { READ_YOUR_WRITES_TIMEOUT_MS: '1500' } });
  let token: string;
  let position: string;

  before(async () => {
    token = await gw.token('rita');
    const capture = await gw.call('POST', '/conversations/capture', { token, body: aCapture() });
    expect(capture.status).to.equal(201);
    position = capture.body.position;
  });

  /** What a projector does when it commits a batch: raise its checkpoint and notify, in one transaction. */
  async function projectorCommits(projection: string, at: string): Promise<void> {
    const client = await gw.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO read_models.projection_checkpoints (projection, position) VALUES ($1, $2)
         ON CONFLICT (projection) DO UPDATE SET position = GREATEST(read_models.projection_checkpoints.position, excluded.position)`,
        [projection, at],
      );
      await client.query('SELECT pg_notify($1, $2)', ['projection_checkpoints', `${projection}:${at}`]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  const timed = async <T>(work: Promise<T>) => {
    const started = Date.now();
    const result = await work;
    return { result, ms: Date.now() - started };
  };

  it('holds a query until the projection it reads has applied the position, woken by its notification', async () => {
    const query = timed(gw.call('GET', '/sync/status', { token, headers: { 'x-min-position': position } }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await projectorCommits('dream_search', position); // another projection: must not release this query
    await new Promise((resolve) => setTimeout(resolve, 150));
    await projectorCommits('sync_status', position);
    const { result, ms } = await query;
    expect(result.status).to.equal(200);
    expect(result.headers.get('x-stale')).to.equal(null);
    expect(result.headers.get('x-projection-position')).to.equal(position);
    expect(ms).to.be.within(250, 1_200);
  });

  it('answers at once when the projection is already there', async () => {
    const { result, ms } = await timed(gw.call('GET', '/sync/status', { token, headers: { 'x-min-position': position } }));
    expect(result.headers.get('x-stale')).to.equal(null);
    expect(ms).to.be.below(500);
  });

  it('gives up after the timeout with what it has, marked stale', async () => {
    const { result, ms } = await timed(gw.call('GET', '/dreams', { token, headers: { 'x-min-position': position } }));
    expect(result.status).to.equal(200);
    expect(result.headers.get('x-stale')).to.equal('true');
    expect(result.headers.get('x-projection-position')).to.equal('0');
    expect(ms).to.be.within(1_400, 3_000);
  });

  it('refuses a position that is not one', async () => {
    for (const position of ['-5', '99999999999999999999', '9223372036854775808']) {
      const reply = await gw.call('GET', '/dreams', { token, headers: { 'x-min-position': position } });
      expect(reply.status, position).to.equal(400);
      expect(reply.body.error.details.violations[0].path).to.equal('/headers/x-min-position');
    }
    expect((await gw.call('GET', '/dreams', { token, headers: { 'x-min-position': '9223372036854775807' } })).status).to.equal(200);
  });

  it("shows each projection's lag behind the store head in /metrics", async () => {
    const metrics = (await gw.ops('/metrics')).text;
    const lag = (projection: string) => Number(new RegExp(`projection_lag_positions\\{[^}]*projection="${projection}"[^}]*\\} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)`).exec(metrics)?.[1]);
    expect(lag('sync_status')).to.equal(0);
    expect(lag('dream_summary')).to.equal(Number(position));
  });
});

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { PROJECTION_NAMES, projectionQueue } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { runCli } from '../cli.js';
import { appendInterleaved, bulkScripts } from '../testing/bulk.js';
import { publishEnvelope, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { readCheckpoints } from './checkpoints.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('projector killed mid-batch', function () {
  this.timeout(90_000);
  const children = new Set<ChildProcess>();
  const test = useTestBroker('dc_proj_crash', async () => {
    for (const child of children) child.kill('SIGKILL');
  });
  const database = useReadModelDatabase('dc_proj_crash');

  // Small batches make the first run commit often, so the kill lands between and inside batches.
  function startProjector(batchSize: number): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', 'projections/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: database.db.url,
        AMQP_URL: test.broker.url,
        PORT: '0',
        LOG_LEVEL: 'error',
        PROJECTOR_BATCH_SIZE: String(batchSize),
        PROJECTOR_PREFETCH: String(batchSize * 2),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  }

  it('restarts, ends correct, and matches a rebuild', async () => {
    const events = await appendInterleaved(database.db.store, bulkScripts(60, 30, { prefix: 'crash-user' }));
    for (const event of events) publishEnvelope(test.broker.publisher, event);
    await test.broker.publisher.waitForConfirms();
    const last = events.at(-1)!.position;
    const done = async () => {
      const checkpoints = await readCheckpoints(database.db.pool);
      return PROJECTION_NAMES.filter((name) => checkpoints[name] === last).length;
    };

    const first = startProjector(10);
    await eventually(async () => Object.keys(await readCheckpoints(database.db.pool)).length > 0, { what: 'the projector to commit a batch', timeoutMs: 30_000, intervalMs: 5 });
    first.kill('SIGKILL');
    await once(first, 'exit');
    expect(await done(), 'killed before it could finish everything').to.be.lessThan(PROJECTION_NAMES.length);

    const second = startProjector(250);
    await eventually(async () => (await done()) === PROJECTION_NAMES.length, { what: 'every projection at the last position', timeoutMs: 60_000, intervalMs: 100 });
    second.kill('SIGTERM');
    const [code] = await once(second, 'exit');
    expect(code).to.equal(0);

    for (const name of PROJECTION_NAMES) expect((await test.broker.publisher.checkQueue(projectionQueue(name))).messageCount, name).to.equal(0);
    const out: string[] = [];
    const verified = await runCli(['--json', 'rebuild', '--verify'], { DATABASE_URL: database.db.url, AMQP_URL: test.broker.url }, { out: (text) => out.push(text), err: () => undefined });
    expect(verified, out.join('\n')).to.equal(0);
    const report = JSON.parse(out.join('\n')) as { identical: boolean; projections: { projection: string; position: string }[] };
    expect(report.identical).to.equal(true);
    expect(report.projections.map((p) => p.position)).to.deep.equal(PROJECTION_NAMES.map(() => last.toString()));
  });
});

import { expect } from 'chai';
import type { ConfirmChannel } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { PROJECTIONS } from '../registry.js';
import { storeReader } from '../rebuild/build.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { Projector, projectorOptions } from './consumer.js';

describe('projector: previous-version copies during a deprecation window', function () {
  this.timeout(30_000);
  let summary: Projector;
  const test = useTestBroker('dc_proj_deprecated', async () => {
    await summary?.stop();
  });
  const database = useReadModelDatabase('dc_proj_deprecated');
  let publisher: ConfirmChannel;

  before(async () => {
    publisher = test.broker.publisher;
    const deps = { pool: database.db.pool, readStream: storeReader(database.db.store), logger: quietLogger() };
    summary = new Projector(deps, projectorOptions(PROJECTIONS.dream_summary, { batchSize: 20, prefetch: 50, retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 } }));
    await summary.attach(test.broker.connection);
  });

  it('acknowledges a copy marked x-deprecated-version without applying it, and applies the current one', async () => {
    const clock = new Clock();
    const copied = new DreamScript('copy-user', clock).imported([], [], { origin: { client: 'extension', localId: 'l-1' } });
    const current = new DreamScript('copy-user', clock).imported([], []);
    const [copy, real] = await appendScripts(database.db.store, [copied, current]);
    // The copy alone (as if its current version had gone elsewhere) must not make the dream.
    publisher.publish('dreamcatcher.events', 'dream.dream-imported.v1', Buffer.from(JSON.stringify({ ...copy!, revision: '0', position: copy!.position.toString(), schemaVersion: 1, occurredAt: copy!.metadata.occurredAt })), {
      messageId: copy!.eventId,
      headers: { 'x-deprecated-version': 'true' },
    });
    publishEnvelope(publisher, real!);
    await publisher.waitForConfirms();
    await eventually(() => summary.stats.messages >= 2, { what: 'both messages handled' });
    const ids = (await database.db.pool.query('SELECT dream_id FROM read_models.dream_summary')).rows.map((row) => row.dream_id);
    expect(ids).to.deep.equal([current.dreamId]);
  });
});

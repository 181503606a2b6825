import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { deadLetterQueue, projectionQueue } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { storeReader } from '../rebuild/build.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { fragileSummary, POISON } from '../testing/fragile.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { USER_A, USER_B } from '../testing/workload.js';
import { Projector, projectorOptions } from './consumer.js';
import { belongsTo } from './dead-letter-erasure.js';
import { listDeadLetters } from './dead-letters.js';
import type { ProjectionEvent } from './events.js';
import { listHoles } from './holes.js';
import { READ_MODELS_SCHEMA } from './names.js';

describe('erasure reaches the dead-letter queue', function () {
  this.timeout(30_000);
  let projector: Projector;
  const test = useTestBroker('dc_proj_dlq_erasure', async () => projector?.stop());
  const database = useReadModelDatabase('dc_proj_dlq_erasure');
  const canary = `canary-${randomUUID()}`;

  before(async () => {
    const deps = { pool: database.db.pool, readStream: storeReader(database.db.store), logger: quietLogger() };
    projector = new Projector(deps, projectorOptions(fragileSummary, { retry: { attempts: 1, initialDelayMs: 5, maxDelayMs: 10 } }));
    await projector.attach(test.broker.connection);
  });

  async function publish(events: ProjectionEvent[]): Promise<void> {
    for (const event of events) publishEnvelope(test.broker.publisher, event);
    await test.broker.publisher.waitForConfirms();
  }
  const settled = (messages: number) => eventually(() => projector.stats.messages >= messages, { what: `${messages} messages finished` });

  it("drops the erased user's dead letters, keeps the others', and blanks the user's hole reasons", async () => {
    const a = new DreamScript(USER_A, new Clock()).created({ title: 'Mine' }).captured('Secret', `${POISON} ${canary}`);
    const b = new DreamScript(USER_B, new Clock()).created({ title: 'Theirs' }).captured('Other', `${POISON} of someone else`);
    await publish(await appendScripts(database.db.store, [a, b]));
    await settled(4);
    const letters = () => listDeadLetters(test.broker.connection, fragileSummary.name);
    expect((await letters()).map((letter) => letter.streamId).sort()).to.deep.equal([a.streamId, b.streamId].sort());
    expect(JSON.stringify(await letters())).to.contain(canary);

    const erasure = { id: randomUUID(), type: 'UserDataErased', data: { userId: USER_A }, metadata: { userId: 'admin', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 } };
    const streamId = `user-${USER_A}`;
    const { events } = await database.db.store.appendToStream(streamId, [erasure]);
    await publish([{ eventId: erasure.id, type: erasure.type, data: erasure.data, metadata: erasure.metadata, streamId, revision: events[0]!.revision, position: events[0]!.position }]);
    await settled(5);
    await eventually(async () => (await test.broker.publisher.checkQueue(deadLetterQueue(projectionQueue(fragileSummary.name)))).messageCount === 1, { what: 'one dead letter left' });
    const left = await letters();
    expect(left.map((letter) => letter.streamId)).to.deep.equal([b.streamId]);
    expect(JSON.stringify(left)).to.not.contain(canary);
    const holes = await listHoles(database.db.pool, READ_MODELS_SCHEMA, fragileSummary.name);
    expect(holes.map((hole) => [hole.streamId, hole.reason]).sort()).to.deep.equal([[a.streamId, '(erased)'], [b.streamId, 'cannot apply this one']].sort());
  });

  it("tells a user's message by the envelope's user fields, and a body that is no envelope by the id as a JSON string", () => {
    const users = new Set(['alice']);
    const envelope = (metadata: object, data: object) => Buffer.from(JSON.stringify({ eventId: 'e', type: 'T', metadata, data }));
    expect(belongsTo(envelope({ userId: 'alice' }, {}), users)).to.equal(true);
    expect(belongsTo(envelope({ userId: 'admin' }, { ownerId: 'alice' }), users)).to.equal(true);
    expect(belongsTo(envelope({ userId: 'admin' }, { userId: 'alice' }), users)).to.equal(true);
    expect(belongsTo(envelope({ userId: 'bob' }, { title: 'alice' }), users)).to.equal(false);
    expect(belongsTo(Buffer.from('{"garbage": "alice"}'), users)).to.equal(true);
    expect(belongsTo(Buffer.from('not json "alice" here'), users)).to.equal(true);
    expect(belongsTo(Buffer.from('not json alice-ish'), users)).to.equal(false);
  });
});

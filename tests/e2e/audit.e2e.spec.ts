/**
 * Audit end to end, on a whole system of its own (its store is tampered with): history with
 * metadata and correlation, paging through the whole store, the NDJSON export, time travel,
 * tampering found at the exact event by the API and the CLI, erasure by crypto-shredding,
 * what the relay publishes, and the projections' replay up to a position.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import { expect } from 'chai';
import { validateHttpResponse, type EventEnvelope } from '@dreamcatcher/contracts';
import { createEventStore, type EventStore, type RecordedEvent } from '@dreamcatcher/event-store';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { startTestSystem, type TestSystem } from '../support/system.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
type Item = EventEnvelope & { metadata: Record<string, unknown>; data: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs a package CLI from its TypeScript sources against the system's database; resolves with its exit code. */
function runCli(script: string, args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 2) : 0, stdout, stderr }),
    );
  });
}

describe('e2e: audit — history, time travel, tamper evidence, erasure and replay', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let pool: Pool;
  let raw: EventStore;
  let broker: amqplib.ChannelModel;
  const published: amqplib.ConsumeMessage[] = [];
  const ann = unique('ann');
  const ben = unique('ben');
  const tokens: Record<string, string> = {};
  const annCorrelation = `capture-${randomUUID()}`;
  let annDream: string;
  let benDream: string;
  let afterCapture: string;
  let last: string;

  async function call(method: string, path: string, token: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
    const res = await fetch(`${system.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed: unknown = type.startsWith('application/json') && text ? JSON.parse(text) : undefined;
    const { pathname, search } = new URL(res.url);
    const violations = validateHttpResponse({ method, path: `${pathname}${search}`, status: res.status, headers: res.headers, body: parsed ?? (text || undefined) });
    expect(violations, `${method} ${path} answered ${res.status} off its contract: ${text.slice(0, 300)}`).to.deep.equal([]);
    return { status: res.status, headers: res.headers, text, body: parsed };
  }
  const get = (path: string, token: string, headers?: Record<string, string>) => call('GET', path, token, headers);
  const command = async (method: string, path: string, token: string, body: unknown, headers: Record<string, string> = {}) => {
    const reply = await call(method, path, token, headers, body);
    expect(reply.status, reply.text).to.be.oneOf([200, 201]);
    last = reply.body.position;
    await sleep(15); // distinct occurredAt per command, for time travel by instant
    return reply;
  };
  /** Every event of the store in commit order, read directly (raw: ciphertext and chain). */
  async function readAllRaw(): Promise<RecordedEvent[]> {
    await eventually(async () => (await raw.headPosition()) >= BigInt(last), { timeoutMs: 20_000, what: `position ${last} readable` });
    const events: RecordedEvent[] = [];
    for (let after: bigint | undefined; ; ) {
      const page = await raw.readAll({ ...(after !== undefined && { after }), maxCount: 100 });
      events.push(...page.events);
      if (page.isEnd || page.events.length === 0) return events;
      after = page.events.at(-1)!.position;
    }
  }
  async function allPages(path: string, token: string): Promise<Item[]> {
    const items: Item[] = [];
    for (let cursor: string | null = null, pages = 0; ; pages++) {
      const page = await get(`${path}${path.includes('?') ? '&' : '?'}limit=3${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect(page.status).to.equal(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (cursor === null || pages > 200) return items;
    }
  }

  before(async function () {
    this.timeout(240_000);
    system = await startTestSystem();
    pool = await connectPostgres({ url: system.databaseUrl, max: 3 });
    raw = await createEventStore({ kind: 'postgres', pool }, { migrate: false });
    broker = await amqplib.connect(system.amqpUrl);
    const channel = await broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'dreamcatcher.events', 'dream.#');
    await channel.consume(queue, (message) => message && published.push(message), { noAck: true });
    for (const [name, roles] of [[ann, ['user']], [ben, ['user']], ['audrey', ['auditor']], ['adam', ['admin']], ['outsider', ['user']]] as const) {
      tokens[name] = await system.token(name, [...roles]);
    }

    const capture = await command('POST', '/conversations/capture', tokens[ann]!, {
      dreamTitle: 'Offline-first habit tracker',
      tags: ['mobile'],
      fragment: { title: 'Streak logic', content: 'How should streaks survive two days offline?', source: 'chatgpt', url: 'https://chat.openai.com/c/streaks' },
    }, { 'x-correlation-id': annCorrelation });
    annDream = capture.body.dreamId;
    afterCapture = last;
    await command('PATCH', `/dreams/${annDream}`, tokens[ann]!, { title: 'Habit tracker that forgives' });
    await command('PUT', `/dreams/${annDream}/tags`, tokens[ann]!, { tags: ['mobile', 'offline'] });
    const bens = await command('POST', '/conversations/capture', tokens[ben]!, {
      dreamTitle: "Ben's allotment planner",
      fragment: { title: 'Soil notes', content: 'My allotment is plot 14 on Elm Road', source: 'claude' },
    });
    benDream = bens.body.dreamId;
    await command('POST', `/dreams/${benDream}/todos`, tokens[ben]!, { title: 'Call Ben\'s neighbour about the shed' });
  });

  after(async function () {
    this.timeout(60_000);
    await broker?.close().catch(() => undefined);
    await raw?.close();
    await pool?.end();
    await system?.stop();
  });

  it("shows a dream's history to its owner and to auditors, every event with who, why and when", async () => {
    const history = await get(`/dreams/${annDream}/history`, tokens[ann]!);
    const items = history.body.items as Item[];
    expect(items.map((item) => [item.revision, item.type])).to.deep.equal([['0', 'DreamCreated'], ['1', 'FragmentCaptured'], ['2', 'DreamDetailsChanged'], ['3', 'DreamTagged']]);
    const [created, captured] = items;
    for (const event of [created!, captured!]) {
      expect(event.metadata).to.include({ userId: ann, subjectId: ann, correlationId: annCorrelation, causationId: created!.metadata.causationId, occurredAt: created!.occurredAt });
    }
    expect(items[2]!.metadata.correlationId).to.not.equal(annCorrelation);
    expect(captured!.data.fragment).to.include({ title: 'Streak logic', content: 'How should streaks survive two days offline?' });
    expect(created!.metadata).to.not.have.property('hash');

    const audited = (await get(`/audit/dreams/${annDream}/events`, tokens.audrey!)).body.items as Item[];
    expect(audited.map((item) => item.eventId)).to.deep.equal(items.map((item) => item.eventId));
    audited.slice(1).forEach((item, index) => expect(item.metadata.previousHash).to.equal(audited[index]!.metadata.hash));
    expect((await get(`/dreams/${annDream}/history`, tokens.outsider!)).status).to.equal(404);
    expect((await get(`/audit/dreams/${annDream}/events`, tokens[ann]!)).status).to.equal(403);
  });

  it('pages through the whole store in commit order, without gaps or duplicates, filtered or not', async () => {
    const stored = await readAllRaw();
    const paged = await allPages('/audit/events', tokens.audrey!);
    expect(paged.map((item) => [item.eventId, item.position, item.streamId, item.revision])).to.deep.equal(stored.map((e) => [e.id, e.position.toString(), e.streamId, e.revision.toString()]));
    paged.forEach((item, index) => expect(item.metadata, item.eventId).to.deep.equal(stored[index]!.metadata));

    const fragments = await allPages(`/audit/events?type=FragmentCaptured,TodoAdded&userId=${ben}`, tokens.audrey!);
    expect(fragments.map((item) => item.eventId)).to.deep.equal(stored.filter((e) => ['FragmentCaptured', 'TodoAdded'].includes(e.type) && e.metadata.userId === ben).map((e) => e.id));
    const from = stored[1]!;
    const window = await allPages(`/audit/events?occurredFrom=${encodeURIComponent(from.metadata.occurredAt)}&occurredTo=${encodeURIComponent(stored.at(-1)!.metadata.occurredAt)}`, tokens.audrey!);
    expect(window.map((item) => item.eventId)).to.deep.equal(stored.filter((e) => e.metadata.occurredAt >= from.metadata.occurredAt && e.metadata.occurredAt < stored.at(-1)!.metadata.occurredAt).map((e) => e.id));
    const afterPosition = await get(`/audit/events?from=${stored[2]!.position}&limit=2`, tokens.audrey!);
    expect(afterPosition.body.items.map((item: Item) => item.eventId)).to.deep.equal(stored.slice(3, 5).map((e) => e.id));
  });

  it('exports a range of the store as NDJSON, decrypted', async () => {
    const stored = await readAllRaw();
    const [first, , , lastOfRange] = stored;
    const reply = await get(`/audit/events/export?from=${first!.position}&to=${lastOfRange!.position}`, tokens.audrey!);
    expect(reply.headers.get('content-type')).to.match(/^application\/x-ndjson/);
    expect(reply.headers.get('x-export-to')).to.equal(lastOfRange!.position.toString());
    const lines = reply.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Item);
    expect(lines.map((line) => line.eventId)).to.deep.equal(stored.slice(1, 4).map((e) => e.id));
    expect(lines[0]!.data.fragment.content).to.equal('How should streaks survive two days offline?');
    expect((stored[1]!.data as { fragment: { content: string } }).fragment.content).to.match(/^enc:v1:/);
  });

  it('travels in time: the dream at a revision and at an instant, folded by the domain', async () => {
    const atCapture = await get(`/audit/dreams/${annDream}/state?revision=1`, tokens.audrey!);
    expect(atCapture.body).to.include({ dreamId: annDream, revision: '1' });
    expect(atCapture.body.state).to.include({ title: 'Offline-first habit tracker' });
    expect(atCapture.body.state.fragments).to.have.length(1);
    const history = (await get(`/dreams/${annDream}/history`, tokens[ann]!)).body.items as Item[];
    const renamedAt = Date.parse(history[2]!.occurredAt);
    const justBefore = await get(`/audit/dreams/${annDream}/state?at=${new Date(renamedAt - 1).toISOString()}`, tokens.audrey!);
    expect(justBefore.body).to.include({ revision: '1' });
    const atRename = await get(`/audit/dreams/${annDream}/state?at=${new Date(renamedAt).toISOString()}`, tokens.audrey!);
    expect(atRename.body).to.include({ revision: '2' });
    expect(atRename.body.state).to.include({ title: 'Habit tracker that forgives' });
    expect(atRename.body.state.tags).to.deep.equal(['mobile']);
    expect((await get(`/audit/dreams/${annDream}/state`, tokens.audrey!)).body.state.tags).to.deep.equal(['mobile', 'offline']);
  });

  it('replays the read models as of a position into a schema of their own (projections CLI)', async () => {
    const schema = `audit_asof_${randomUUID().slice(0, 8)}`;
    const run = await runCli('projections/src/cli.ts', ['rebuild', '--until', afterCapture, '--into', schema, '--json', '--no-progress'], system.databaseUrl);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.include({ position: afterCapture, schema });
    try {
      const { rows } = await pool.query(`SELECT dream_id, owner_id, title, tags, fragment_count, revision FROM ${schema}.dream_summary ORDER BY created_at`);
      expect(rows).to.deep.equal([{ dream_id: annDream, owner_id: ann, title: 'Offline-first habit tracker', tags: ['mobile'], fragment_count: 1, revision: 1n }]);
      const live = await pool.query('SELECT title, revision FROM read_models.dream_summary WHERE dream_id = $1', [annDream]);
      expect(live.rows).to.deep.equal([{ title: 'Habit tracker that forgives', revision: 3n }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it('finds an event altered in the database at exactly that event, through the API and the CLI', async () => {
    const [, , , tagged] = await raw.readStream(`dream-${annDream}`);
    expect(tagged!.type).to.equal('DreamTagged');
    const original = JSON.stringify(tagged!.data);
    await pool.query(`UPDATE event_store.events SET data = jsonb_set(data, '{tags}', '["tampered"]') WHERE event_id = $1`, [tagged!.id]);
    try {
      const verify = await get(`/audit/dreams/${annDream}/verify`, tokens.audrey!);
      expect(verify.body).to.include({ dreamId: annDream, intact: false, eventCount: 4, firstBrokenRevision: '3' });
      expect(verify.body.reason).to.contain(`hash_mismatch at event ${tagged!.id} (position ${tagged!.position})`);
      expect((await get(`/audit/dreams/${benDream}/verify`, tokens.audrey!)).body).to.include({ intact: true, firstBrokenRevision: null });

      const cli = await runCli('services/audit/src/cli.ts', ['--json', 'verify', '--all'], system.databaseUrl);
      expect(cli.code, cli.stderr).to.equal(1);
      const report = JSON.parse(cli.stdout);
      expect(report).to.include({ ok: false, brokenStreams: 1 });
      expect(report.firstBroken).to.include({ eventId: tagged!.id, streamId: `dream-${annDream}`, revision: '3', position: tagged!.position.toString(), reason: 'hash_mismatch' });
    } finally {
      await pool.query('UPDATE event_store.events SET data = $2::jsonb WHERE event_id = $1', [tagged!.id, original]);
    }
    expect((await get(`/audit/dreams/${annDream}/verify`, tokens.audrey!)).body).to.include({ intact: true, eventCount: 4, headRevision: '3' });
  });

  it("erases a user's personal data: unreadable everywhere, projections forget them, chains still verify, others intact", async () => {
    const ownerTables = (await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'read_models' AND column_name = 'owner_id'`)).rows.map((r) => r.table_name);
    const benRows = async () => {
      let count = 0;
      for (const table of ownerTables) count += Number((await pool.query(`SELECT count(*) AS n FROM read_models.${table} WHERE owner_id = $1`, [ben])).rows[0].n);
      return count;
    };
    expect((await call('GET', `/dreams/${benDream}`, tokens[ben]!, { 'x-min-position': last })).body).to.include({ title: "Ben's allotment planner" });
    expect(await benRows()).to.be.above(0);
    expect((await call('POST', `/admin/users/${ben}/erase`, tokens.audrey!)).status).to.equal(403);

    const erased = await call('POST', `/admin/users/${ben}/erase`, tokens.adam!, { 'x-correlation-id': 'gdpr-request-17' });
    expect(erased.body).to.include({ subjectId: ben, destroyedKey: true, streamId: `user-${ben}` });
    last = erased.body.position;

    // Projections: the rows are gone, and the API answers as for a dream that never was.
    expect((await get(`/dreams/${benDream}`, tokens[ben]!, { 'x-min-position': last })).status).to.equal(404);
    expect((await get('/dreams', tokens[ben]!, { 'x-min-position': last })).body.items).to.deep.equal([]);
    await eventually(async () => (await benRows()) === 0, { timeoutMs: 30_000, what: `every projection to forget ${ben}` });
    // The store: ciphertext only, and the key that opened it is gone.
    const { rows } = await pool.query<{ data: string }>('SELECT data::text AS data FROM event_store.events WHERE stream_id = $1 ORDER BY revision', [`dream-${benDream}`]);
    expect(rows).to.have.length(3);
    for (const row of rows) expect(row.data).to.not.match(/allotment|Elm Road|Soil notes|neighbour/);
    expect(JSON.parse(rows[0]!.data).title).to.match(new RegExp(`^enc:v1:${encodeURIComponent(ben)}:`));
    const key = await pool.query('SELECT wrapped_key, erased_at FROM audit.data_keys WHERE subject_id = $1', [ben]);
    expect(key.rows[0]).to.include({ wrapped_key: null }).and.to.have.property('erased_at').that.is.not.equal(null);
    // History and time travel: placeholders where the personal data was.
    const history = (await get(`/audit/dreams/${benDream}/events`, tokens.audrey!)).body.items as Item[];
    expect(history[0]!.data).to.include({ title: '[erased]', ownerId: ben });
    expect(history[1]!.data.fragment).to.include({ title: '[erased]', content: '[erased]', source: 'claude' });
    expect((await get(`/audit/dreams/${benDream}/state`, tokens.audrey!)).body.state.todos[0]).to.include({ title: '[erased]' });
    // The record of the erasure, and its message to integrations.
    const record = (await get('/audit/events?type=UserDataErased', tokens.audrey!)).body.items as Item[];
    expect(record.map((item) => [item.streamId, item.data.userId, item.metadata.userId, item.metadata.correlationId])).to.deep.equal([[`user-${ben}`, ben, 'adam', 'gdpr-request-17']]);
    await eventually(() => published.find((message) => message.fields.routingKey === 'dream.user-data-erased.v1'), { timeoutMs: 20_000, what: 'UserDataErased published' });

    // Verification passes over the ciphertext, and Ann's dream is untouched.
    const cli = await runCli('services/audit/src/cli.ts', ['--json', 'verify', '--all'], system.databaseUrl);
    expect(cli.code, cli.stdout + cli.stderr).to.equal(0);
    expect(JSON.parse(cli.stdout)).to.include({ ok: true, brokenStreams: 0, streams: 3 });
    expect((await get(`/audit/dreams/${benDream}/verify`, tokens.audrey!)).body).to.include({ intact: true, eventCount: 3 });
    expect((await get(`/dreams/${annDream}`, tokens[ann]!, { 'x-min-position': last })).body).to.include({ title: 'Habit tracker that forgives', fragmentCount: 1 });
    expect((await get(`/audit/dreams/${annDream}/state`, tokens.audrey!)).body.state.fragments[0]).to.include({ content: 'How should streaks survive two days offline?' });
  });

  it('publishes to integrations what they act on: decrypted fields, metadata, no hash chain', () => {
    const envelopes = published.map((message) => JSON.parse(message.content.toString('utf8')) as Item);
    const captured = envelopes.find((envelope) => envelope.type === 'FragmentCaptured' && envelope.streamId === `dream-${annDream}`);
    expect(captured?.data.fragment).to.include({ content: 'How should streaks survive two days offline?' });
    expect(captured?.metadata).to.include({ userId: ann, subjectId: ann, correlationId: annCorrelation });
    for (const envelope of envelopes) expect(envelope.metadata, envelope.type).to.not.have.any.keys('hash', 'previousHash');
    expect(envelopes.find((envelope) => envelope.type === 'UserDataErased')?.data).to.deep.equal({ userId: ben });
  });
});

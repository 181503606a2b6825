/**
 * Bad input against the gateway of the whole running system, generated with fast-check:
 * malformed, oversized, wrongly typed, deeply nested and unicode-hostile bodies, headers
 * and query strings on every command and query operation of the contract. Every one must
 * be answered 4xx with a clear JSON error, never 5xx, and write no event; the gateway must
 * not restart. Valid but extreme captures (maximum sizes, emoji, right-to-left text, SQL
 * and HTML payloads) must be stored and returned verbatim.
 *
 * `FUZZ_PROFILE=full` (`npm run test:fuzz`) runs thousands of cases; the default, in
 * `npm test`, a few hundred. `FUZZ_SEED` repeats a run.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import type { TestSystem } from '../support/system.js';
import { gatewaySystem } from '../e2e/gateway-system.js';
import { signToken } from '../faults/api-client.js';
import { codePoints, extremeCaptures, HOSTILE_SNIPPETS, maximalCaptures, type ExtremeCapture } from './extreme.js';
import { malformedBodies, malformedHeaders, malformedMinPositions, malformedQueries, type BadRequest } from './malformed.js';
import { send } from './raw-http.js';
import { unknownWriteOperations } from './routes.js';

const full = process.env.FUZZ_PROFILE === 'full';
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = full ? { bodies: 3_000, headers: 600, queries: 1_200, positions: 100, extreme: 60 } : { bodies: 250, headers: 60, queries: 100, positions: 20, extreme: 6 };

/** What was sent and answered, by kind of bad input. */
class Tally {
  private readonly kinds = new Map<string, Map<number, number>>();

  add(kind: string, status: number): void {
    const statuses = this.kinds.get(kind) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.kinds.set(kind, statuses);
  }

  total(): number {
    return [...this.kinds.values()].reduce((sum, statuses) => sum + [...statuses.values()].reduce((a, b) => a + b, 0), 0);
  }

  format(): string {
    const rows = [...this.kinds.entries()].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(...rows.map(([kind]) => kind.length));
    return rows
      .map(([kind, statuses]) => {
        const count = [...statuses.values()].reduce((a, b) => a + b, 0);
        const seen = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
        return `    ${kind.padEnd(width)}  ${String(count).padStart(5)}  ${seen}`;
      })
      .join('\n');
  }
}

describe(`fuzz: bad input at the gateway (${full ? 'full' : 'short'} profile, seed ${seed})`, function () {
  this.timeout(full ? 1_800_000 : 300_000);
  let system: TestSystem;
  let observer: Pool;
  let token: string;
  let user: string;
  let ids: Record<string, string>;
  let gatewayPid: number | undefined;
  const tally = new Tally();

  const eventsOf = async (userId: string) =>
    Number((await observer.query<{ n: string }>("SELECT count(*)::text AS n FROM event_store.events WHERE metadata->>'userId' = $1", [userId])).rows[0]!.n);

  before(async function () {
    this.timeout(240_000);
    system = await gatewaySystem();
    observer = await connectPostgres({ url: system.databaseUrl, applicationName: 'fuzz-suite', max: 2 });
    user = `fuzz-${seed}-${Date.now().toString(36)}`;
    token = await signToken(user, ['user', 'integration', 'auditor']);
    // A dream with a fragment and a todo, so that every path id names something the caller owns.
    const capture = await send({ method: 'POST', url: `${system.api}/conversations/capture`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ dreamTitle: 'Fuzz target', fragment: { title: 'f', content: 'c', source: 'chatgpt' } }) });
    expect(capture.status, capture.text).to.equal(201);
    const todo = await send({ method: 'POST', url: `${system.api}/dreams/${capture.json.dreamId}/todos`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Fuzz todo' }) });
    expect(todo.status, todo.text).to.equal(200);
    ids = { dreamId: capture.json.dreamId, fragmentId: capture.json.fragmentId, todoId: todo.json.todoId };
    gatewayPid = system.running.pid('gateway');
  });

  after(async () => {
    await observer?.end();
  });

  it('knows every operation of the contract that writes', () => {
    expect(unknownWriteOperations(), 'write operations the fuzzers do not cover').to.deep.equal([]);
  });

  /** Sends one bad request and holds its answer to the rules. */
  const refuses = async (request: BadRequest): Promise<void> => {
    fc.pre(!request.acceptable);
    const reply = await send({ method: request.method, url: `${system.api}${request.path}`, headers: { authorization: `Bearer ${token}`, ...request.headers }, ...(request.body !== undefined && { body: request.body }) });
    tally.add(request.kind, reply.status);
    const shown = `${request.method} ${request.path.slice(0, 120)} [${request.kind}] -> ${reply.status} ${reply.text.slice(0, 300)}`;
    expect(reply.status, shown).to.be.within(400, 499);
    // Node answers an over-long head itself, before any application code, with an empty body.
    if (reply.status === 431) return;
    expect(reply.json?.error?.code, shown).to.be.a('string').and.match(/^[a-z_]+$/);
    expect(reply.json?.error?.message, shown).to.be.a('string').and.not.equal('');
    expect(reply.text, shown).to.not.match(/\n\s+at |node_modules|SELECT |pg_/);
  };

  const run = (arbitrary: fc.Arbitrary<BadRequest>, numRuns: number) => fc.assert(fc.asyncProperty(arbitrary, refuses), { numRuns, seed, endOnFailure: true });

  it('answers malformed command bodies with 4xx and a clear error', async () => {
    await run(malformedBodies(ids), RUNS.bodies);
  });

  it('answers malformed headers with 4xx and a clear error', async () => {
    await run(malformedHeaders(ids), RUNS.headers);
  });

  it('answers malformed query strings and read-your-writes positions with 4xx and a clear error', async () => {
    await run(malformedQueries(ids), RUNS.queries);
    await run(malformedMinPositions(), RUNS.positions);
  });

  it('wrote nothing for any of it, and the gateway never went down', async () => {
    console.log(`\n  bad input: ${tally.total()} requests, every one refused\n${tally.format()}\n`);
    // Only the two commands of the setup.
    expect(await eventsOf(user)).to.equal(3);
    expect(system.running.pid('gateway'), 'the gateway process was restarted').to.equal(gatewayPid);
    expect((await send({ method: 'GET', url: `${system.gatewayOpsUrl}/ready` })).status).to.equal(200);
  });

  describe('valid but extreme input', () => {
    let stored = 0;

    /** Captures and reads back through the projections and the event store; everything must come back as sent. */
    const roundTrip = async (capture: ExtremeCapture, key: string): Promise<void> => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key };
      const answer = await send({ method: 'POST', url: `${system.api}/conversations/capture`, headers, body: JSON.stringify(capture) });
      expect(answer.status, answer.text.slice(0, 500)).to.equal(201);
      const { dreamId, position } = answer.json as { dreamId: string; position: string };
      const detail = await send({ method: 'GET', url: `${system.api}/dreams/${dreamId}`, headers: { authorization: `Bearer ${token}`, 'x-min-position': position } });
      expect(detail.status, detail.text.slice(0, 300)).to.equal(200);
      expect(detail.headers['x-stale'], 'the projection did not apply the capture in time').to.equal(undefined);
      expect(detail.json.title).to.equal(capture.dreamTitle);
      expect(detail.json.tags).to.deep.equal(capture.tags);
      expect(detail.json.brand).to.equal(capture.brand);
      expect(detail.json.fragments).to.have.length(1);
      const fragment = detail.json.fragments[0];
      for (const field of ['title', 'content', 'source', 'url', 'mode', 'features', 'codeSnippets'] as const) expect(fragment[field], `fragment ${field}`).to.deep.equal(capture.fragment[field]);
      const history = await send({ method: 'GET', url: `${system.api}/dreams/${dreamId}/history`, headers: { authorization: `Bearer ${token}` } });
      expect(history.status).to.equal(200);
      const [created, captured] = history.json.items as { type: string; data: Record<string, unknown> }[];
      expect(created).to.deep.include({ type: 'DreamCreated' });
      expect(created!.data.title).to.equal(capture.dreamTitle);
      expect(captured!.type).to.equal('FragmentCaptured');
      expect((captured!.data.fragment as Record<string, unknown>).content).to.equal(capture.fragment.content);
      // The gateway bounds `q` at 200 UTF-16 units: take whole code points up to that.
      let q = '';
      for (const point of capture.fragment.title) {
        if (q.length + point.length > 200) break;
        q += point;
      }
      const searched = await send({ method: 'GET', url: `${system.api}/search?q=${encodeURIComponent(q)}`, headers: { authorization: `Bearer ${token}`, 'x-min-position': position } });
      expect(searched.status, searched.text.slice(0, 300)).to.equal(200);
      stored += 1;
    };

    it('stores and returns the largest captures the contract allows, byte for byte', async () => {
      for (const { label, capture } of maximalCaptures()) {
        expect(Buffer.byteLength(JSON.stringify(capture)), label).to.be.below(1024 * 1024);
        expect(codePoints(capture.dreamTitle), label).to.be.at.most(500);
        await roundTrip(capture, `fuzz-max-${seed}-${label.length}`);
      }
    });

    it('stores and returns captures of hostile text verbatim (emoji, RTL, SQL, HTML, combining marks)', async () => {
      let index = 0;
      await fc.assert(
        fc.asyncProperty(extremeCaptures(), (capture) => roundTrip(capture, `fuzz-extreme-${seed}-${index++}`)),
        { numRuns: RUNS.extreme, seed, endOnFailure: true },
      );
      console.log(`\n  valid extreme input: ${stored} captures stored and returned verbatim (hostile snippets: ${HOSTILE_SNIPPETS.length})\n`);
    });
  });
});

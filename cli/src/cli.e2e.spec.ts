/**
 * The operator CLI end to end: `dreamcatcher ...` run as real processes against a running
 * system (gateway, command service, relay, projectors) on a fresh database and vhost,
 * checking what they print and their exit codes.
 */
import { expect } from 'chai';
import amqplib from 'amqplib';
import pg from 'pg';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { startTestSystem, type TestSystem } from '../../tests/support/system.js';
import { dreamcatcher, json, startDreamcatcher } from './testing/run.js';

describe('dreamcatcher, the operator command line, on a running system', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let env: Record<string, string>;
  let pool: pg.Pool;
  let capture: { dreamId: string; position: string };

  const api = async (method: string, path: string, authorization: string, body?: unknown) => {
    const response = await fetch(`${system.api}${path}`, { method, headers: { authorization, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };

  before(async () => {
    system = await startTestSystem();
    env = { DATABASE_URL: system.databaseUrl, AMQP_URL: system.amqpUrl };
    pool = new pg.Pool({ connectionString: system.databaseUrl, max: 2 });
    const captured = await api('POST', '/conversations/capture', `Bearer ${await system.token('ana')}`, {
      dreamTitle: 'Operated from the command line',
      tags: ['ops'],
      fragment: { title: 'First', content: 'User: can the CLI see me?', source: 'claude', url: 'https://claude.ai/chat/1', mode: 'all' },
    });
    expect(captured.status).to.be.below(300);
    capture = captured.body;
  });

  after(async () => {
    await pool?.end();
    await system?.stop();
  });

  it('answers --help for every command, and refuses bad usage with exit code 1', async () => {
    const commands = ['api-keys create', 'api-keys revoke', 'projections rebuild', 'dead-letters replay', 'tail', 'audit verify', 'lag', 'store copy'];
    const [root, ...helps] = await Promise.all([dreamcatcher(['--help'], { npx: true, env }), ...commands.map((command) => dreamcatcher([...command.split(' '), '--help'], { env }))]);
    expect(root.code, root.stderr).to.equal(0);
    for (const command of ['api-keys', 'projections', 'dead-letters', 'tail', 'audit', 'lag', 'store']) expect(root.stdout).to.include(`  ${command}`);
    helps.forEach((help, i) => {
      expect(help.code, `${commands[i]} --help: ${help.stderr}`).to.equal(0);
      expect(help.stdout, commands[i]).to.include(`Usage: dreamcatcher ${commands[i]}`);
    });
    const [unknown, projection, stores, missing] = await Promise.all([
      dreamcatcher(['frobnicate'], { env }),
      dreamcatcher(['projections', 'rebuild', 'nope'], { env }),
      dreamcatcher(['store', 'copy', '--from', 'mysql://x', '--to', 'postgres://y/z'], { env }),
      dreamcatcher(['dead-letters', 'replay', 'dream_detail'], { env }),
    ]);
    expect([unknown.code, projection.code, stores.code, missing.code]).to.deep.equal([1, 1, 1, 1]);
    expect(unknown.stderr).to.include("unknown command 'frobnicate'");
    expect(projection.stderr).to.include('unknown projection nope');
    expect(stores.stderr).to.include('neither a PostgreSQL URL');
    expect(missing.stderr).to.include('--all');
  });

  it('creates an API key the gateway accepts, lists it without its secret, and revokes it', async () => {
    const created = await dreamcatcher(['api-keys', 'create', 'bo', "Bo's", 'laptop', '--json'], { env });
    expect(created.code, created.stderr).to.equal(0);
    const key = json(created);
    expect(key).to.include({ userId: 'bo', name: "Bo's laptop", revokedAt: null });
    expect(key.key).to.match(/^dc_[a-f0-9]{12}_/);
    expect((await api('GET', '/dreams', `ApiKey ${key.key}`)).status).to.equal(200);

    const listed = json(await dreamcatcher(['--json', 'api-keys', 'list', '--user', 'bo'], { env }));
    expect(listed.map((entry: { id: string }) => entry.id)).to.deep.equal([key.id]);
    expect(listed[0]).to.not.have.property('key');
    const human = await dreamcatcher(['api-keys', 'list'], { env });
    expect(human.stdout).to.include(key.id).and.include('active').and.not.include(key.key);

    const revoked = await dreamcatcher(['api-keys', 'revoke', key.id], { env });
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(revoked.stdout).to.include(`revoked ${key.id}`);
    expect((await api('GET', '/dreams', `ApiKey ${key.key}`)).status).to.equal(401);
    const unknown = await dreamcatcher(['api-keys', 'revoke', '7b0c7c6e-3f8a-4c1e-9a43-1f0e2d3c4b5a'], { env });
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('no API key');
  });

  it('tails the store live (NDJSON, by type), from a position, and stops on Ctrl-C', async () => {
    const live = startDreamcatcher(['tail', '--json', '--type', 'DreamTagged,FragmentCaptured', '--limit', '1'], { env });
    await eventually(() => live.stderr().includes('following the event store'), { timeoutMs: 60_000, what: 'tail to follow the store' });
    const tagged = await api('PUT', `/dreams/${capture.dreamId}/tags`, `Bearer ${await system.token('ana')}`, { tags: ['ops', 'cli'] });
    expect(tagged.status, JSON.stringify(tagged.body)).to.be.below(300);
    const followed = await live.done;
    expect(followed.code, followed.stderr).to.equal(0);
    const lines = followed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ type: 'DreamTagged', streamId: `dream-${capture.dreamId}` });
    expect(lines[0].position).to.match(/^\d+$/);
    expect(lines[0].data.tags).to.include('cli');

    const from = await dreamcatcher(['tail', '--from', capture.position, '--limit', '1'], { env });
    expect(from.code, from.stderr).to.equal(0);
    expect(from.stdout).to.match(new RegExp(`^${capture.position}  \\S+  FragmentCaptured  dream-${capture.dreamId}@1  `));

    const stopped = startDreamcatcher(['tail'], { env });
    await eventually(() => stopped.stderr().includes('following the event store'), { timeoutMs: 60_000, what: 'tail to follow the store' });
    stopped.kill('SIGINT');
    expect((await stopped.done).code).to.equal(0);
  });

  it("shows the relay's and every projection's checkpoint against the store head (lag)", async () => {
    const report = await eventually(
      async () => {
        const run = await dreamcatcher(['lag', '--json'], { env });
        expect(run.code, run.stderr).to.equal(0);
        const lag = json(run);
        return lag.items.every((item: { checkpoint: string | null }) => item.checkpoint !== null && BigInt(item.checkpoint) >= BigInt(capture.position)) && lag;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every checkpoint to pass the capture' },
    );
    expect(report.items.map((item: { name: string }) => item.name)).to.deep.equal(['relay', 'dream_summary', 'dream_detail', 'sync_status', 'user_activity', 'dream_search', 'catalogue']);
    expect(BigInt(report.head) >= BigInt(capture.position)).to.equal(true);
    const human = await dreamcatcher(['lag'], { env });
    expect(human.stdout).to.match(/^store head \d+/).and.include('BEHIND (s)').and.include('dream_detail');
  });

  it('verifies the projections against a rebuild, finds a tampered row, and a rebuild repairs it', async () => {
    const intact = await dreamcatcher(['projections', 'verify', '--json'], { env });
    expect(intact.code, intact.stderr).to.equal(0);
    expect(json(intact).identical).to.equal(true);
    await pool.query("UPDATE read_models.dream_summary SET title = 'tampered' WHERE dream_id = $1", [capture.dreamId]);
    const differs = await dreamcatcher(['projections', 'rebuild', 'dream_summary', '--verify'], { env });
    expect(differs.code).to.equal(1);
    expect(differs.stdout).to.include('dream_summary: dream_summary differs');
    const rebuilt = await dreamcatcher(['projections', 'rebuild', 'dream_summary'], { env });
    expect(rebuilt.code, rebuilt.stderr).to.equal(0);
    expect(rebuilt.stdout).to.match(/^rebuilt dream_summary: \d+ events/);
    expect((await dreamcatcher(['projections', 'verify', 'dream_summary'], { env })).code).to.equal(0);
  });

  it('lists, shows and replays a dead letter to the queue it came from', async () => {
    const connection = await amqplib.connect(system.amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue('dreamcatcher.projection.dream_detail', Buffer.from('not an event'), { messageId: 'cli-dead-letter-1', type: 'Nonsense', persistent: true });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    const listed = await eventually(
      async () => {
        const letters = json(await dreamcatcher(['dead-letters', 'list', 'dream_detail', '--json'], { env }));
        return letters.some((letter: { messageId: string }) => letter.messageId === 'cli-dead-letter-1') && letters;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the message to be dead-lettered' },
    );
    expect(listed.find((letter: { messageId: string }) => letter.messageId === 'cli-dead-letter-1')).to.include({ type: 'Nonsense', error: 'EnvelopeError' });
    const shown = await dreamcatcher(['dead-letters', 'show', 'dream_detail', 'cli-dead-letter-1'], { env });
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.stdout).to.include('cli-dead-letter-1').and.include('not JSON');
    const replayed = await dreamcatcher(['dead-letters', 'replay', 'dream_detail', 'cli-dead-letter-1', '--json'], { env });
    expect(replayed.code, replayed.stderr).to.equal(0);
    expect(json(replayed)).to.deep.equal({ replayed: ['cli-dead-letter-1'] });
    // Replayed into the projector's queue, it fails again and comes back.
    await eventually(async () => json(await dreamcatcher(['dead-letters', 'list', 'dream_detail', '--json'], { env })).some((letter: { messageId: string }) => letter.messageId === 'cli-dead-letter-1'), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the replayed message to be dead-lettered again',
    });
    const missing = await dreamcatcher(['dead-letters', 'replay', 'dream_detail', 'no-such-message'], { env });
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('not found: no-such-message');
  });

  it('verifies the audit chain, and names a tampered event', async () => {
    const intact = await dreamcatcher(['audit', 'verify', '--json'], { env });
    expect(intact.code, intact.stderr).to.equal(0);
    expect(json(intact)).to.include({ ok: true });
    const { rows } = await pool.query<{ event_id: string; data: unknown }>("SELECT event_id, data FROM event_store.events WHERE stream_id = $1 AND revision = 1", [`dream-${capture.dreamId}`]);
    await pool.query(`UPDATE event_store.events SET data = jsonb_set(data, '{fragment,source}', '"chatgpt"') WHERE event_id = $1`, [rows[0]!.event_id]);
    try {
      const broken = await dreamcatcher(['audit', 'verify'], { env });
      expect(broken.code).to.equal(1);
      expect(broken.stdout).to.include('BROKEN').and.include(`dream-${capture.dreamId} revision 1`).and.include('hash_mismatch');
      const dream = await dreamcatcher(['audit', 'verify', '--dream', capture.dreamId, '--json'], { env });
      expect(dream.code).to.equal(1);
      expect(json(dream).firstBroken).to.include({ reason: 'hash_mismatch', revision: '1' });
    } finally {
      await pool.query('UPDATE event_store.events SET data = $2 WHERE event_id = $1', [rows[0]!.event_id, rows[0]!.data]);
    }
  });
});

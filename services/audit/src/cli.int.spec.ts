import { expect } from 'chai';
import { createAuditedStore } from './audited-store.js';
import { runCli } from './cli.js';
import { ERASED_TEXT } from './encryption/personal-fields.js';
import { PostgresDataKeys } from './keys/postgres-data-keys.js';
import { useAuditFixture } from './testing/audit-fixture.js';
import { DreamStory } from './testing/dream-story.js';

describe('audit CLI', () => {
  const fixture = useAuditFixture();
  const intact = new DreamStory('cli-owner');
  const victim = new DreamStory('cli-victim');

  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATABASE_URL: fixture.url, EVENT_STORE: 'postgres', DATA_KEY_ENCRYPTION_KEY: fixture.masterKey.toString('base64') };
    const code = await runCli(argv, env, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  before(async () => {
    await fixture.store.appendToStream(intact.streamId, [intact.created(), intact.fragmentCaptured()]);
    await fixture.store.appendToStream(victim.streamId, [victim.created(), victim.tagged('x'), victim.todoAdded()]);
    await fixture.allReadable();
  });

  it('verifies the whole store and one dream, exiting 0 when intact', async () => {
    const all = await run('verify', '--all', '--json');
    expect(all.code).to.equal(0);
    expect(JSON.parse(all.out)).to.deep.include({ ok: true, checked: 5, streams: 2 });
    const one = await run('verify', '--dream', intact.dreamId);
    expect(one).to.include({ code: 0 });
    expect(one.out).to.equal(`intact: dream ${intact.dreamId}, 2 event(s) up to revision 1`);
  });

  it('exits 1 and names the first broken link when history was altered', async () => {
    await fixture.pool.query(`UPDATE event_store.events SET data = jsonb_set(data, '{tags}', '["forged"]') WHERE stream_id = $1 AND revision = 1`, [victim.streamId]);
    const [altered] = await fixture.raw.readStream(victim.streamId, { fromRevision: 1n, maxCount: 1 });
    const one = await run('--json', 'verify', '--dream', victim.dreamId);
    expect(one.code).to.equal(1);
    expect(JSON.parse(one.out).firstBroken).to.deep.include({ eventId: altered!.id, revision: '1', reason: 'hash_mismatch' });
    const all = await run('verify', '--all');
    expect(all.code).to.equal(1);
    expect(all.out).to.include('BROKEN: 1 of 2 stream(s)').and.include(`${victim.streamId} revision 1 (event ${altered!.id}`);
    expect((await run('verify', '--dream', intact.dreamId)).code).to.equal(0);
  });

  it('refuses unclear requests with exit code 1', async () => {
    const none = await run('verify');
    expect(none.code).to.equal(1);
    expect(none.err).to.include('--all or --dream');
    expect((await run('verify', '--dream', 'not-a-uuid')).code).to.equal(1);
    expect((await run('verify', '--all', '--dream', intact.dreamId)).code).to.equal(1);
    expect((await run('erase')).code).to.equal(1);
  });

  it('erases a user: their data reads as placeholders afterwards', async () => {
    const erased = await run('--json', 'erase', '--user', 'cli-owner', '--actor', 'dpo@example.com');
    expect(erased.code, erased.err).to.equal(0);
    expect(JSON.parse(erased.out)).to.deep.include({ subjectId: 'cli-owner', destroyedKey: true, streamId: 'user-cli-owner', revision: '0' });
    // A process that had not cached the key (this one's cache sees it within its TTL).
    const fresh = createAuditedStore(fixture.raw, { keys: new PostgresDataKeys(fixture.pool, { masterKey: fixture.masterKey }) });
    expect((await fresh.readStream(intact.streamId))[0]!.data).to.include({ title: ERASED_TEXT });
    const [event] = await fixture.raw.readStream('user-cli-owner');
    expect(event!.metadata.userId).to.equal('dpo@example.com');
  });
});

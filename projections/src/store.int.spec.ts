import { expect } from 'chai';
import { createAuditedStore, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, PostgresDataKeys, migrateAudit } from '@dreamcatcher/audit';
import { runCli } from './cli.js';
import { listDreams } from './dream_summary/queries.js';
import { fromRecorded } from './runtime/events.js';
import { withReaderScope } from './runtime/reader-scope.js';
import { PROJECTIONS } from './registry.js';
import { appendScripts, project, useReadModelDatabase } from './testing/harness.js';
import { mixedWorkload, USER_A } from './testing/workload.js';

describe('reading the audited store (personal fields encrypted at rest)', function () {
  this.timeout(30_000);
  const database = useReadModelDatabase('dc_proj_audited');

  it('rebuilds from decrypted events, identical to projecting what the relay publishes', async () => {
    const { pool, store: raw, url } = database.db;
    await migrateAudit(url);
    const keys = new PostgresDataKeys(pool, { masterKey: Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64') });
    const audited = createAuditedStore(raw, { keys });
    await appendScripts(audited, mixedWorkload().scripts);
    const stored = (await raw.readAll({ maxCount: 1_000 })).events;
    expect(JSON.stringify(stored.find((event) => event.type === 'DreamCreated')!.data)).to.contain('enc:v1:');

    // Live: what a relay reading through the audited store publishes, applied as the projector applies it.
    const published = (await audited.readAll({ maxCount: 1_000 })).events.map(fromRecorded);
    await project(database.db, PROJECTIONS.dream_summary, published, 7);
    const env = { DATABASE_URL: url, DATA_KEY_ENCRYPTION_KEY: DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY };
    const out: string[] = [];
    const code = await runCli(['--json', 'rebuild', '--verify', 'dream_summary'], env, { out: (text) => out.push(text), err: (text) => out.push(text) });
    expect(code, out.join('\n')).to.equal(0);
    expect((await runCli(['rebuild', 'dream_summary', '--no-progress'], env, { out: () => undefined, err: () => undefined }))).to.equal(0);
    const { items } = await withReaderScope(pool, USER_A, (client) => listDreams(client, USER_A));
    expect(items.map((item) => item.title)).to.deep.equal(['Bakery idea', 'Build a rocket']);
  });
});

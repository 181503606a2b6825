/**
 * A gateway stopped in the middle of an import: the job is left `running`, and what it sent
 * may not have been written down. Resumed at the next start, the job runs again from the
 * beginning and the commands it repeats are answered from what they already did: every
 * conversation is one dream with one fragment, no event twice.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { importedDreamId } from '@dreamcatcher/imports';
import * as fx from '@dreamcatcher/imports/testing';
import { useGateway } from '../testing/gateway-fixture.js';

describe('gateway: import jobs', function () {
  this.timeout(60_000);
  const gateway = useGateway();

  const eventsOf = async (userId: string, conversationIds: string[]) => {
    const streams = conversationIds.map((id) => `dream-${importedDreamId(userId, { source: 'chatgpt', id })}`);
    const { rows } = await gateway.pool.query<{ stream_id: string; count: string }>(
      'SELECT stream_id, count(*) FROM event_store.events WHERE stream_id = ANY($1) GROUP BY stream_id ORDER BY stream_id',
      [streams],
    );
    return rows.map((row) => `${row.stream_id}:${row.count}`);
  };

  it('restarts a job left running, importing nothing twice', async () => {
    const user = `resume-${Date.now().toString(36)}`;
    const token = await gateway.token(user);
    const body = JSON.stringify([fx.chatGptBranched(), fx.chatGptMultimodal(), fx.chatGptEmpty()]);
    const accepted = await gateway.call('POST', '/imports', { token, raw: body, headers: { 'content-type': 'application/json' } });
    expect(accepted.status, accepted.text).to.equal(202);
    const runner = gateway.running.gateway.imports;
    await runner.idle();
    const ids = [fx.chatGptBranched().id, fx.chatGptMultimodal().id];
    const before = await eventsOf(user, ids);
    expect(before).to.have.length(2);

    // The crash: the job still marked running, its file still there, and nothing of what it sent written down.
    const { rows } = await gateway.pool.query<{ file_path: string }>("UPDATE gateway.import_jobs SET status = 'running', finished_at = NULL WHERE id = $1 RETURNING file_path", [accepted.body.id]);
    await writeFile(rows[0]!.file_path, body);
    await gateway.pool.query('DELETE FROM gateway.imported_conversations WHERE user_id = $1', [user]);

    await runner.resume();
    await runner.idle();
    const job = await gateway.call('GET', `/imports/${accepted.body.id}`, { token });
    expect(job.body).to.deep.include({ status: 'completed', format: 'chatgpt' });
    expect(job.body.conversations).to.deep.equal({ total: 3, imported: 2, skipped: 1, failed: 0 });
    expect(await eventsOf(user, ids)).to.deep.equal(before);
  });

  it('refuses a fourth import while three of the same user wait (429), and takes it once one is done', async () => {
    const user = `busy-${Date.now().toString(36)}`;
    const token = await gateway.token(user);
    const waiting = ['a', 'b', 'c'].map(() => randomUUID());
    for (const id of waiting) {
      await gateway.pool.query("INSERT INTO gateway.import_jobs (id, user_id, roles, file_path) VALUES ($1, $2, '[\"user\"]', '/nonexistent')", [id, user]);
    }
    const body = JSON.stringify([fx.claudeConversation()]);
    const refused = await gateway.call('POST', '/imports', { token, raw: body, headers: { 'content-type': 'application/json' } });
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('too_many_imports');
    expect(refused.headers.get('retry-after')).to.equal('30');
    await gateway.pool.query("UPDATE gateway.import_jobs SET status = 'failed' WHERE id = $1", [waiting[0]]);
    const other = await gateway.call('POST', '/imports', { token: await gateway.token(`${user}-other`), raw: body, headers: { 'content-type': 'application/json' } });
    const accepted = await gateway.call('POST', '/imports', { token, raw: body, headers: { 'content-type': 'application/json' } });
    expect([other.status, accepted.status]).to.deep.equal([202, 202]);
    await gateway.pool.query("UPDATE gateway.import_jobs SET status = 'failed' WHERE user_id = $1 AND file_path = '/nonexistent'", [user]);
    await gateway.running.gateway.imports.idle();
  });
});

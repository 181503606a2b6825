/**
 * Poison and what outlives erasure. A capture too large for a text index must not stop its
 * dream's later edits from reaching search; and once a user is erased, no dead-letter queue
 * may still hold their data, nor the event store a free-text field of theirs in clear
 * (the agents an integration reports). A projector's dead letter cannot be caused through the API any
 * more (that was the poison capture), so the second case puts one of the user's events
 * carrying a canary into every projection's dead-letter queue, as a projector that failed on
 * it would, and erases the user through the gateway.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { deadLetterQueue, PROJECTION_NAMES, projectionQueue } from '@dreamcatcher/service-kit';
import { listDeadLetters, poisonText } from '@dreamcatcher/projections';
import { signToken } from '../faults/api-client.js';
import type { SecurityContext } from './context.js';

const AREA = 'poison';

/** Whether `text` is anywhere in the stored events of the dream, as plain text. */
async function storedInClear(ctx: SecurityContext, dreamId: string, text: string): Promise<boolean> {
  const { rows } = await ctx.observer.query<{ n: string }>('SELECT count(*)::text AS n FROM event_store.events WHERE stream_id = $1 AND data::text LIKE $2', [`dream-${dreamId}`, `%${text}%`]);
  return rows[0]!.n !== '0';
}

export async function poisonCases(ctx: SecurityContext): Promise<void> {
  const { report, call, admin } = ctx;
  const run = randomUUID().slice(0, 8);
  const userId = `sec-poisoner-${run}`;
  const token = await signToken(userId, ['user']);
  let dreamId = '';

  await report.check(AREA, 'capture a fragment whose words overflow a tsvector, then edit the dream', 'the edit shows in search', async () => {
    const capture = await call('POST', '/conversations/capture', { token, body: { dreamTitle: 'Airships', brand: 'personal', fragment: { title: 'Huge', content: poisonText('zeppelin'), source: 'claude' } } });
    if (capture.status !== 201) return { passed: false, actual: `capture answered ${capture.status}` };
    dreamId = capture.json.dreamId as string;
    const edit = await call('PATCH', `/dreams/${dreamId}`, { token, body: { title: 'Dirigible airships' } });
    if (edit.status !== 200) return { passed: false, actual: `edit answered ${edit.status}` };
    const found = async (q: string) => ((await call('GET', `/search?q=${q}`, { token })).json?.items as { id: string }[] | undefined)?.some((hit) => hit.id === dreamId);
    const shown = await eventually(async () => (await found('dirigible')) && (await found('zeppelin')), { timeoutMs: 30_000, what: 'the edit in search' }).catch(() => false);
    return { passed: shown === true, actual: shown ? 'found by the edited title and the fragment' : 'not found within 30 s' };
  });

  const agent = `agent-canary-${randomUUID()}`;
  await report.check(AREA, 'an integration names the agents of an implementation', 'the agents stored only encrypted', async () => {
    for (const [path, caller, body] of [
      ['implement', token, { notes: 'ship it' }],
      ['sync', ctx.integration.token, { status: 'synced', pipelineosProjectId: `pos-${run}` }],
      ['implementation', ctx.integration.token, { pipelineosProjectId: `pos-${run}`, ticketsCreated: 1, agentsAssigned: [agent] }],
    ] as const) {
      const answer = await call('POST', `/dreams/${dreamId}/${path}`, { token: caller, body });
      if (answer.status !== 200) return { passed: false, actual: `${path} answered ${answer.status}` };
    }
    const clear = await storedInClear(ctx, dreamId, agent);
    return { passed: !clear, actual: clear ? 'in clear in the event store' : 'ciphertext only' };
  });

  await report.check(AREA, "the erased user's events in every dead-letter queue", 'none left after POST /admin/users/:id/erase, nor the agents in the store', async () => {
    const canary = `canary-${randomUUID()}`;
    const connection = await amqplib.connect(ctx.system.amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      const envelope = {
        eventId: randomUUID(), type: 'FragmentCaptured', schemaVersion: 1, streamId: `dream-${dreamId}`, revision: '1', position: '1', occurredAt: new Date().toISOString(),
        data: { dreamId, fragment: { fragmentId: randomUUID(), title: 'Secret', content: canary } },
        metadata: { userId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
      };
      for (const name of PROJECTION_NAMES) channel.sendToQueue(deadLetterQueue(projectionQueue(name)), Buffer.from(JSON.stringify(envelope)), { messageId: envelope.eventId, persistent: true });
      await channel.waitForConfirms();
      await channel.close();
      const holding = async () => {
        const names: string[] = [];
        for (const name of PROJECTION_NAMES) if (JSON.stringify(await listDeadLetters(connection, name)).includes(canary)) names.push(name);
        return names;
      };
      const before = await holding();
      if (before.length !== PROJECTION_NAMES.length) return { passed: false, actual: `the canary reached only ${before.join(', ')}` };
      // Waiting on counts, not by fetching: a message fetched for a look is hidden from the purge meanwhile.
      const counter = await connection.createChannel();
      const counts = async () => Promise.all(PROJECTION_NAMES.map(async (name) => (await counter.checkQueue(deadLetterQueue(projectionQueue(name)))).messageCount));
      const initial = await counts();
      const erase = await call('POST', `/admin/users/${encodeURIComponent(userId)}/erase`, { token: admin.token });
      if (erase.status !== 200) return { passed: false, actual: `erase answered ${erase.status}` };
      await eventually(async () => (await counts()).every((count, index) => count < initial[index]!), { timeoutMs: 30_000, what: 'every dead-letter queue to lose a message' }).catch(() => undefined);
      const left = await holding();
      const agents = await storedInClear(ctx, dreamId, agent);
      return { passed: left.length === 0 && !agents, actual: `${left.length ? `still in ${left.join(', ')}` : 'none left'}; agents ${agents ? 'still in clear in the store' : 'unreadable'}` };
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
}

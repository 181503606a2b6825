/**
 * Poison and what outlives erasure. A capture too large for a text index must not stop its
 * dream's later edits from reaching search; and once a user is erased, no dead-letter queue
 * may still hold their data. A projector's dead letter cannot be caused through the API any
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

  await report.check(AREA, "the erased user's events in every dead-letter queue", 'none left after POST /admin/users/:id/erase', async () => {
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
      const erase = await call('POST', `/admin/users/${encodeURIComponent(userId)}/erase`, { token: admin.token });
      if (erase.status !== 200) return { passed: false, actual: `erase answered ${erase.status}` };
      const left = await eventually(async () => ((await holding()).length === 0 ? [] : undefined), { timeoutMs: 30_000, what: 'no canary in a dead-letter queue' }).catch(async () => holding());
      return { passed: left.length === 0, actual: left.length ? `still in ${left.join(', ')}` : 'none left' };
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
}

/**
 * Cost amplification: one request that makes the system do unbounded work. A sync session
 * runs one command per item, so it is charged one request per item; and a session the
 * gateway has stopped waiting for must stop in the command service too, not go on
 * appending for minutes. Tried on two gateways of their own: one allowing 150 requests a
 * minute, one waiting only 400 ms for the command service.
 */
import { randomUUID } from 'node:crypto';
import type { SecurityContext } from './context.js';
import { startHardenedGateway, type HardenedGateway } from './hardened-gateway.js';

const AREA = 'amplification';
const RATE_LIMIT_PER_MINUTE = 150;
const COMMAND_TIMEOUT_MS = 400;

export async function amplificationCases(ctx: SecurityContext): Promise<void> {
  const { report, observer } = ctx;
  const [limited, hurried] = await Promise.all([
    startHardenedGateway(ctx.system, { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) }),
    startHardenedGateway(ctx.system, { COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS), RATE_LIMIT_PER_MINUTE: '1200' }),
  ]);
  try {
    const events = async (dreamId: string) =>
      Number((await observer.query<{ n: string }>('SELECT count(*)::text AS n FROM event_store.events WHERE stream_id = $1', [`dream-${dreamId}`])).rows[0]!.n);
    const aDream = async (gateway: HardenedGateway, token: string) => {
      const created = await ctx.call('POST', '/dreams', { token, body: { title: 'Synced offline' } }, gateway.api);
      if (created.status !== 201) throw new Error(`creating a dream answered ${created.status}: ${created.text}`);
      return created.json.dreamId as string;
    };
    const session = (gateway: HardenedGateway, token: string, items: unknown[]) => ctx.call('POST', '/sync-sessions', { token, body: { items } }, gateway.api);

    await report.check(AREA, 'two sync sessions of 100 items within a minute (limit 150)', 'first 200, second 429 with Retry-After, none of it run', async () => {
      const token = await limited.token(`sec-sync-${randomUUID().slice(0, 8)}`);
      const dreamId = await aDream(limited, token);
      const todos = (prefix: string) => Array.from({ length: 100 }, (_, i) => ({ idempotencyKey: `${prefix}-${i}`, command: { type: 'AddTodo', data: { dreamId, title: `Todo ${i}` } } }));
      const first = await session(limited, token, todos('first'));
      const second = await session(limited, token, todos('second'));
      const written = await events(dreamId);
      return {
        passed: first.status === 200 && second.status === 429 && Number(second.headers['retry-after']) >= 1 && written === 101,
        actual: `${first.status}, then ${second.status} (Retry-After ${String(second.headers['retry-after'])}); ${written - 1} items written`,
      };
    });

    await report.check(AREA, `a sync session of 100 large captures, command timeout ${COMMAND_TIMEOUT_MS} ms`, '503 deadline_exceeded naming the items not run; exactly the items run written', async () => {
      const token = await hurried.token(`sec-deadline-${randomUUID().slice(0, 8)}`);
      const dreamId = await aDream(hurried, token);
      const content = 'A long conversation, captured while offline. '.repeat(90);
      const items = Array.from({ length: 100 }, (_, i) => ({
        idempotencyKey: `capture-${i}`,
        command: { type: 'CaptureFragment', data: { dreamId, fragment: { title: `Capture ${i}`, content, source: 'claude' } } },
      }));
      const answer = await session(hurried, token, items);
      const details = answer.json?.error?.details as { items?: { status: number }[]; notRun?: string[] } | undefined;
      const ran = details?.items?.filter((item) => item.status === 200).length ?? 0;
      // The service answered only once it had stopped: what is written now is all it will write.
      const written = (await events(dreamId)) - 1;
      return {
        passed: answer.status === 503 && answer.json?.error?.code === 'deadline_exceeded' && (details?.notRun?.length ?? 0) > 0 && written === ran && ran + details!.notRun!.length === 100,
        actual: `${answer.status} ${String(answer.json?.error?.code)}; ${ran} run, ${details?.notRun?.length ?? '?'} not run, ${written} written`,
      };
    });
  } finally {
    await Promise.all([limited.stop(), hurried.stop()]);
  }
}

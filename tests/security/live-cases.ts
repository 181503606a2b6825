/**
 * Live connections (SSE `/live`, WebSocket `/ws`) as an attacker uses them: many at once,
 * never read, held past the credential that opened them; and dreams grown so large that
 * one notice or one detail answer would cost the gateway megabytes.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type WebSocket from 'ws';
import { openSse, openWs, type SseClient, type WsClient } from '@dreamcatcher/gateway/testing';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { scrape, valueOf } from '../observability/support.js';
import type { SecurityContext } from './context.js';
import { hmac, now } from './tokens.js';

const AREA = 'live';
const PER_USER = 8;

/** A gateway metric's value: the one place the suite reads the gateway's metrics from. */
async function gatewayMetric(ctx: SecurityContext, name: string, labels: Record<string, string> = {}): Promise<number> {
  return valueOf(await scrape(ctx.system.gatewayOpsUrl), name, labels);
}

const wsBase = (ctx: SecurityContext) => `${ctx.system.gatewayUrl.replace('http', 'ws')}/ws`;
const closeOf = (socket: WebSocket, timeoutMs: number) =>
  new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('still open'), timeoutMs);
    socket.once('close', (code, reason) => (clearTimeout(timer), resolve(`closed ${code} ${String(reason)}`)));
  });
/** Resolves when the stream ends (an `end` event or the connection closing), or says it is still open after `timeoutMs`. */
const endOf = (sse: SseClient, timeoutMs: number) => sse.next((event) => event.event === 'end', timeoutMs).then((event) => `ended: ${event.data}`, () => 'still open');

export async function liveCases(ctx: SecurityContext): Promise<void> {
  const { report, system } = ctx;
  const user = async (name: string) => {
    const id = `sec-live-${name}-${randomUUID().slice(0, 8)}`;
    return { id, token: await system.token(id) };
  };

  await report.check(AREA, `a ${PER_USER + 1}th live connection of one user (SSE and WebSocket together)`, '429 too_many_live_connections, WebSocket closed 1013', async () => {
    const flooder = await user('flood');
    const headers = { authorization: `Bearer ${flooder.token}` };
    const sse: SseClient[] = [];
    const ws: WsClient[] = [];
    try {
      for (let i = 0; i < PER_USER / 2; i++) sse.push(await openSse(`${system.api}/live`, headers));
      for (let i = 0; i < PER_USER / 2; i++) ws.push(await openWs(`${wsBase(ctx)}?token=${flooder.token}`));
      const abort = new AbortController();
      const ninth = await fetch(`${system.api}/live`, { headers, signal: abort.signal });
      const code = ninth.status === 429 ? ((await ninth.json()) as { error?: { code?: string } }).error?.code : abort.abort();
      const extra = await openWs(`${wsBase(ctx)}?token=${flooder.token}`);
      ws.push(extra);
      const closed = await closeOf(extra.socket, 3_000);
      const passed = ninth.status === 429 && code === 'too_many_live_connections' && /^\d+$/.test(ninth.headers.get('retry-after') ?? '') && closed.startsWith('closed 1013');
      return { passed, actual: `SSE ${ninth.status} ${code ?? ''}, WebSocket ${closed}` };
    } finally {
      sse.forEach((client) => client.close());
      ws.forEach((client) => client.close());
    }
  });

  await report.check(AREA, 'an SSE consumer that never reads while its dreams change', 'dropped', async () => {
    const sloth = await user('sloth');
    const socket = connect(Number(new URL(system.gatewayUrl).port), new URL(system.gatewayUrl).hostname);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const head = new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    socket.write(`GET /api/v1/live HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${sloth.token}\r\nAccept: text/event-stream\r\n\r\n`);
    const status = (await head).split(' ')[1];
    socket.pause();
    const dropped = () => gatewayMetric(ctx, 'gateway_live_connections_ended_total', { reason: 'slow_consumer' });
    const before = await dropped();
    try {
      // The changes announced as the dream_detail projector announces them, faster than any writer could make them.
      let sent = 0;
      for (let round = 0; round < 20 && (await dropped()) === before; round++) {
        await ctx.observer.query(
          `SELECT pg_notify('dream_changes', json_build_object('ownerId', $1::text, 'dreamId', gen_random_uuid()::text, 'position', (g + $2)::text, 'kind', 'deleted')::text)
           FROM generate_series(1, 5000) g`,
          [sloth.id, round * 5000],
        );
        sent += 5000;
      }
      await eventually(async () => (await dropped()) > before || undefined, { what: 'the gateway to drop the slow consumer', timeoutMs: 5_000 }).catch(() => undefined);
      socket.resume();
      const ended = await Promise.race([closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000))]);
      return { passed: status === '200' && ended, actual: `${status}, ${sent} changes announced, ${ended ? 'dropped' : 'still connected'}` };
    } finally {
      socket.destroy();
    }
  });

  await report.check(AREA, 'the live notice of a 100,000-character capture', 'under 1 KB, without the content', async () => {
    const writer = await user('notice');
    const sse = await openSse(`${system.api}/live`, { authorization: `Bearer ${writer.token}` });
    try {
      const content = `notice canary ${randomUUID()} ${'x'.repeat(100_000)}`;
      const capture = await ctx.call('POST', '/conversations/capture', { token: writer.token, body: { dreamTitle: 'Noticed', fragment: { title: 'Big', content, source: 'claude' } } });
      const frame = await sse.next((event) => event.event === 'dream_updated' && (event.data ?? '').includes(capture.json?.dreamId) && !!event.id && BigInt(event.id) >= BigInt(capture.json.position), 15_000);
      const size = Buffer.byteLength(frame.data ?? '');
      return { passed: size < 1024 && !frame.data!.includes('notice canary'), actual: `${size} bytes${frame.data!.includes('notice canary') ? ', with the content' : ''}` };
    } finally {
      sse.close();
    }
  });

  await report.check(AREA, 'the detail of a dream of 120 fragments', 'a first page of at most 50, the rest by cursor', async () => {
    const reader = await user('pages');
    const fragments = Array.from({ length: 120 }, (_, i) => ({ title: `Chat ${i}`, content: `content ${i}`, source: 'claude' }));
    const imported = await ctx.call('POST', '/dreams/import', { token: reader.token, body: { dream: { title: 'Many chats', fragments } } });
    const headers = { 'x-min-position': String(imported.json?.position) };
    const detail = await ctx.call('GET', `/dreams/${imported.json?.dreamId}`, { token: reader.token, headers });
    let seen = detail.json?.fragments?.length ?? 0;
    let cursor: string | null | undefined = detail.json?.fragmentsNextCursor;
    for (let pages = 0; cursor && pages < 10; pages++) {
      const page = await ctx.call('GET', `/dreams/${imported.json?.dreamId}/fragments?cursor=${encodeURIComponent(cursor)}`, { token: reader.token });
      seen += page.json?.fragments?.length ?? 0;
      cursor = page.json?.nextCursor;
    }
    const first = detail.json?.fragments?.length;
    return { passed: detail.status === 200 && first <= 50 && detail.json?.fragmentCount === 120 && seen === 120, actual: `${detail.status}, first page ${first}, ${seen} in all` };
  });

  // The count bound (1000 fragments) is the decider's spec's: an import holds at most 500, so reaching it here takes 500 more requests.
  await report.check(AREA, 'a dream grown past 4,000,000 characters of fragments', '409 dream_too_large', async () => {
    const hoarder = await user('hoard');
    const created = await ctx.call('POST', '/dreams', { token: hoarder.token, body: { title: 'Too long' } });
    let added = created;
    let count = 0;
    for (; count < 25 && added.status < 300; count++) {
      added = await ctx.call('POST', `/dreams/${created.json?.dreamId}/fragments`, { token: hoarder.token, body: { title: `Part ${count}`, content: 'y'.repeat(200_000), source: 'claude' } });
    }
    const code = added.json?.error?.code;
    return { passed: added.status === 409 && code === 'dream_too_large' && count === 20, actual: `${added.status} ${code ?? ''} at fragment ${count}` };
  });

  await report.check(AREA, 'an SSE stream opened with a token that expires 3 s later', 'ended at expiry', async () => {
    const holder = await user('expiring');
    const token = await hmac({ sub: holder.id, roles: ['user'], exp: now() + 3 });
    const sse = await openSse(`${system.api}/live`, { authorization: `Bearer ${token}` });
    try {
      const ended = await endOf(sse, 10_000);
      return { passed: sse.status === 200 && ended.includes('token_expired'), actual: `${sse.status}, ${ended}` };
    } finally {
      sse.close();
    }
  });

  await report.check(AREA, 'a WebSocket opened with an API key that is then revoked', 'closed 1008', async () => {
    const owner = await user('keyed');
    const created = await ctx.call('POST', '/admin/api-keys', { token: ctx.admin.token, body: { userId: owner.id, name: 'Live suite' } });
    const ws = await openWs(wsBase(ctx), { headers: { authorization: `ApiKey ${created.json?.key}` } });
    try {
      const closing = closeOf(ws.socket, 5_000);
      const revoked = await ctx.call('DELETE', `/admin/api-keys/${created.json?.id}`, { token: ctx.admin.token });
      const closed = await closing;
      return { passed: revoked.status === 204 && closed.startsWith('closed 1008'), actual: `revoked ${revoked.status}, ${closed}` };
    } finally {
      ws.close();
    }
  });
}

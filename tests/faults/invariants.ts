/**
 * What must hold once the faults are over and the system has recovered:
 * - every acknowledged command's events are in the event store exactly once, and the store
 *   holds nothing else (`checkStore`);
 * - every read model equals a rebuild from the store (`verifyReadModels`, the projections'
 *   own `rebuild --verify`);
 * - no message is left unacknowledged in a projection's queue, nor in a dead-letter queue
 *   (`checkQueues`);
 * - a command retried with its Idempotency-Key answers as the first time and writes
 *   nothing (`replayCommands`).
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sleep, type Pool } from '@dreamcatcher/service-kit';
import { requestJson } from './api-client.js';
import { sessionItemAnswer, type LedgerEntry, type SessionItem } from './workload.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Waits until every projection's checkpoint has reached the store's last event; returns how long that took. */
export async function settle(observer: Pool, projections: readonly string[], timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await observer.query<{ head: string | null; behind: string }>(
      `SELECT (SELECT max(position)::text FROM event_store.events) AS head,
              (SELECT count(*)::text FROM unnest($1::text[]) AS p(name)
                 WHERE NOT EXISTS (SELECT 1 FROM read_models.projection_checkpoints c
                                   WHERE c.projection = p.name AND c.position >= (SELECT max(position) FROM event_store.events))) AS behind`,
      [projections],
    );
    if (rows[0]!.head !== null && rows[0]!.behind === '0') return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${rows[0]!.behind} projection(s) still behind the store head ${rows[0]!.head} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

export interface StoreCheck {
  /** Events the acknowledged answers name. */
  expected: number;
  stored: number;
  /** Named by an acknowledged answer, absent from the store. */
  lost: string[];
  /** Extra copies of an event, and events no acknowledged answer names. */
  duplicates: string[];
}

/** Compares the store with the answers: each acknowledged event exactly once, nothing unexplained. */
export async function checkStore(observer: Pool, entries: Iterable<LedgerEntry>): Promise<StoreCheck> {
  const expected = new Set<string>();
  for (const entry of entries) for (const event of entry.answer?.body.events ?? []) expected.add(event.eventId);
  const { rows } = await observer.query<{ id: string; copies: string }>('SELECT event_id::text AS id, count(*)::text AS copies FROM event_store.events GROUP BY event_id');
  const stored = new Map(rows.map((row) => [row.id, Number(row.copies)]));
  const lost = [...expected].filter((id) => !stored.has(id));
  const duplicates: string[] = [];
  for (const [id, copies] of stored) {
    for (let extra = 1; extra < copies; extra++) duplicates.push(id);
    if (!expected.has(id)) duplicates.push(id);
  }
  return { expected: expected.size, stored: [...stored.values()].reduce((sum, copies) => sum + copies, 0), lost, duplicates };
}

export interface VerifyOutcome {
  identical: boolean;
  /** What the CLI printed (its JSON report, or its error). */
  output: string;
  projections: number;
}

/** Runs `projections rebuild --verify` against the system's database, as an operator would. */
export function verifyReadModels(env: Record<string, string>): Promise<VerifyOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', 'projections/src/cli.ts', 'rebuild', '--verify', '--json', '--no-progress'], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      let projections = 0;
      try {
        projections = (JSON.parse(out) as { projections: unknown[] }).projections.length;
      } catch {
        // Not JSON: the output itself says what went wrong.
      }
      resolve({ identical: code === 0 && projections > 0, output: `${out}${err}`.trim(), projections });
    });
  });
}

export interface QueueState {
  name: string;
  ready: number;
  unacked: number;
}

/** Every queue of the vhost with its ready and unacknowledged messages. */
export async function listQueues(vhost: string): Promise<QueueState[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name', 'messages_ready', 'messages_unacknowledged'], { timeout: 60_000 });
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length === 3 && /^\d+$/.test(fields[1]!) && /^\d+$/.test(fields[2]!))
    .map(([name, ready, unacked]) => ({ name: name!, ready: Number(ready), unacked: Number(unacked) }));
}

/**
 * Waits (bounded) for every projection queue to be empty and acknowledged; returns the
 * queues still holding messages, dead-letter queues included (none is expected: the suite
 * injects outages, which projectors must ride out rather than dead-letter).
 */
export async function checkQueues(vhost: string, timeoutMs = 30_000): Promise<QueueState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queues = await listQueues(vhost);
    const holding = queues.filter((queue) => queue.ready > 0 || queue.unacked > 0);
    const waiting = holding.some((queue) => !queue.name.endsWith('.dead-letter'));
    if (!waiting || Date.now() > deadline) return holding;
    await sleep(1_000);
  }
}

export interface ReplayCheck {
  replayed: number;
  /** Commands whose retry answered differently from the first answer. */
  mismatches: string[];
}

/** Sends each entry's request again, with its key, and compares every answer with the first. */
export async function replayCommands(api: string, entries: LedgerEntry[], tokenOf: (user: string) => string): Promise<ReplayCheck> {
  const mismatches: string[] = [];
  const requests = new Map(entries.map((entry) => [entry.request, entry.user]));
  for (const [request, user] of requests) {
    const answer = await requestJson({
      method: request.method,
      url: `${api}${request.path}`,
      token: tokenOf(user),
      body: request.body,
      ...(request.key && { headers: { 'idempotency-key': request.key } }),
    });
    const items: { key: string; status: number; body: unknown; replayed: boolean }[] = request.key
      ? [{ key: request.key, status: answer.status, body: answer.body, replayed: answer.headers.get('idempotent-replayed') === 'true' }]
      : ((answer.body?.items ?? []) as SessionItem[]).map((item) => ({ key: item.idempotencyKey, status: item.status, body: sessionItemAnswer(item), replayed: item.replayed !== false }));
    for (const command of request.commands) {
      const first = entries.find((entry) => entry.key === command.key)?.answer;
      if (!first) continue;
      const again = items.find((item) => item.key === command.key);
      if (!again || again.status !== first.status || !again.replayed || JSON.stringify(sortKeys(again.body)) !== JSON.stringify(sortKeys(first.body))) {
        mismatches.push(`${command.key}: first ${first.status} ${JSON.stringify(first.body)}, again ${again?.status} ${JSON.stringify(again?.body)}`);
      }
    }
  }
  return { replayed: entries.length, mismatches };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => [key, sortKeys(item)]));
}

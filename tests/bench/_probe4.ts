import { randomUUID } from 'node:crypto';
import { connectPostgres } from '@dreamcatcher/service-kit';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { createEventStore } from '@dreamcatcher/event-store';
import { createAuditedStore, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { fragmentCaptured } from './events.js';
import { closedLoop, percentile } from './measure.js';
const db = await createTestDatabase('dc_probe');
try {
  await migrateAudit(db.url);
  const pool = await connectPostgres({ url: db.url, max: 32 });
  const inner = await createEventStore({ kind: 'postgres', pool });
  const t: Record<string, number[]> = { read: [], append: [], total: [] };
  const proxy = new Proxy(inner, { get(target, prop) {
    const v = (target as any)[prop];
    if (prop === 'readStream' || prop === 'appendToStream') return async (...a: any[]) => { const s = performance.now(); try { return await v.apply(target, a); } finally { t[prop === 'readStream' ? 'read' : 'append']!.push(performance.now() - s); } };
    return typeof v === 'function' ? v.bind(target) : v;
  } });
  const store = createAuditedStore(proxy as any, { keys: new PostgresDataKeys(pool, { masterKey: Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64') }) });
  const streams: string[] = [];
  const r = await closedLoop(32, { warmupMs: 500, windowMs: 3000 }, async (w, n) => {
    if (n % 20 === 0) streams[w] = randomUUID();
    const s = performance.now();
    await store.appendToStream(`dream-${streams[w]}`, [fragmentCaptured(streams[w]!, `user-${w}`, n)], { expectedRevision: BigInt((n % 20) - 1) });
    t.total!.push(performance.now() - s);
  });
  console.log('rate', r.rate.toFixed(0));
  for (const [k, v] of Object.entries(t)) console.log(k, v.length, 'p50', percentile(v, 50).toFixed(1), 'p99', percentile(v, 99).toFixed(1), 'mean', (v.reduce((a, b) => a + b, 0) / v.length).toFixed(1));
  await pool.end();
} finally { await db.drop(); }

import { randomUUID } from 'node:crypto';
import { connectPostgres } from '@dreamcatcher/service-kit';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { openAuditedStore } from './audited.js';
import { fragmentCaptured } from './events.js';
import { closedLoop } from './measure.js';
const db = await createTestDatabase('dc_probe');
try {
  const pool = await connectPostgres({ url: db.url, max: 32 });
  const store = await openAuditedStore(db.url, pool);
  const streams: string[] = [];
  const r = await closedLoop(32, { warmupMs: 1000, windowMs: Number(process.env.PROBE_MS ?? 5000) }, async (w, n) => {
    if (n % 20 === 0) streams[w] = randomUUID();
    await store.appendToStream(`dream-${streams[w]}`, [fragmentCaptured(streams[w]!, `user-${w}`, n)], { expectedRevision: BigInt((n % 20) - 1) });
  });
  console.log('audited', r.rate.toFixed(0), '/s; cpu', r.clientCpuCores.toFixed(2));
  await store.close(); await pool.end();
} finally { await db.drop(); }

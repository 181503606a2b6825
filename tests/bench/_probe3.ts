import { randomUUID } from 'node:crypto';
import { connectPostgres } from '@dreamcatcher/service-kit';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { createEventStore } from '@dreamcatcher/event-store';
import { openAuditedStore } from './audited.js';
import { fragmentCaptured } from './events.js';
import { closedLoop } from './measure.js';
const db = await createTestDatabase('dc_probe');
try {
  const pool = await connectPostgres({ url: db.url, max: 32 });
  const audited = await openAuditedStore(db.url, pool);
  const plain = await createEventStore({ kind: 'postgres', pool });
  let calls = 0; const orig = pool.query.bind(pool); (pool as any).query = (...a: any[]) => { calls++; return (orig as any)(...a); };
  for (const [name, store] of [['plain', plain], ['audited', audited], ['plain', plain], ['audited', audited]] as const) {
    for (const writers of [1, 32]) {
      const streams: string[] = []; calls = 0;
      const r = await closedLoop(writers, { warmupMs: 500, windowMs: 2000 }, async (w, n) => {
        if (n % 20 === 0) streams[w] = randomUUID();
        await store.appendToStream(`dream-${streams[w]}`, [fragmentCaptured(streams[w]!, `user-${w}`, n)], { expectedRevision: BigInt((n % 20) - 1) });
      });
      console.log(name, writers, r.rate.toFixed(0), '/s; cpu', r.clientCpuCores.toFixed(2), 'queries/append', (calls / (r.count * 1.25)).toFixed(2));
    }
  }
  await pool.end();
} finally { await db.drop(); }

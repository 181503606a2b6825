import { randomUUID } from 'node:crypto';
import { connectPostgres } from '@dreamcatcher/service-kit';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { createEventStore } from '@dreamcatcher/event-store';
import { createAuditedStore, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { fragmentCaptured } from './events.js';
import { closedLoop, median } from './measure.js';
const db = await createTestDatabase('dc_probe');
try {
  await migrateAudit(db.url);
  const pool = await connectPostgres({ url: db.url, max: 10 });
  const raw = await createEventStore({ kind: 'postgres', pool });
  let queries = 0; const origRead = raw.readStream.bind(raw); (raw as any).readStream = (...a: any[]) => { queries++; return (origRead as any)(...a); };
  const keys = new PostgresDataKeys(pool, { masterKey: Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64') });
  const shared = createAuditedStore(raw, { keys });
  const rates: Record<string, number[]> = { before: [], after: [] };
  for (let run = 0; run < 4; run++) for (const variant of ['before', 'after'] as const) {
    const streams: string[] = []; queries = 0;
    const r = await closedLoop(32, { warmupMs: 300, windowMs: 2500 }, async (w, n) => {
      if (n % 10 === 0) streams[w] = randomUUID();
      // Before: nothing remembered between the read and the append (a store each).
      const reader = variant === 'after' ? shared : createAuditedStore(raw, { keys });
      const writer = variant === 'after' ? shared : createAuditedStore(raw, { keys });
      const id = streams[w]!; const stream = `dream-${id}`;
      const loaded = await reader.readStream(stream);
      await writer.appendToStream(stream, [fragmentCaptured(id, `user-${w}`, n)], { expectedRevision: loaded.at(-1)?.revision ?? -1n });
    });
    rates[variant]!.push(r.rate);
    console.log(run, variant, r.rate.toFixed(0), '/s', 'stream reads per command', (queries / r.count).toFixed(2), 'count', r.count);
  }
  console.log('median before', median(rates.before!).toFixed(0), 'after', median(rates.after!).toFixed(0));
  await pool.end();
} finally { await db.drop(); }

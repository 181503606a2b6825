/**
 * The data stages 4 and 5 share: 100,000 dreams across 1,000 users (5,000 across 50 in a
 * quick run: 100 dreams per user either way), each started by a capture, so two events
 * per dream (DreamCreated, FragmentCaptured: 200,000 events) in the store of a fresh
 * database with the read models migrated.
 *
 * Seeded through the audited store's `appendToStream` (encrypted and hash-chained), one
 * append per dream by 16 concurrent writers, exactly as the command service writes them,
 * not with COPY: the rows, ciphertext and positions are then the ones the system would
 * have, and the rebuild (stage 4) reads, decrypts and projects what production would
 * hold. Stage 4's rebuild fills the read models that stage 5 queries, so both measure the
 * system's own data.
 */
import type { EventStore } from '@dreamcatcher/event-store';
import { migrateReadModels } from '@dreamcatcher/projections';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { createTestDatabase, eventually } from '@dreamcatcher/service-kit/testing';
import { openAuditedStore } from './audited.js';
import { newDreamEvents } from './events.js';
import type { Results } from './results.js';
import type { StageContext } from './stage.js';

export interface SeededDatabase {
  url: string;
  pool: Pool;
  store: EventStore;
  dreams: number;
  users: number;
  events: number;
  /** Whether the read models hold the seeded dreams yet (a rebuild fills them). */
  projected: boolean;
}

const WRITERS = 16;
let seeded: Promise<SeededDatabase> | undefined;

export const userOf = (n: number) => `bench-user-${n}`;

/** The shared seeded database, seeded on first use. */
export function seededDatabase(context: StageContext, results: Results): Promise<SeededDatabase> {
  seeded ??= seed(context, results);
  return seeded;
}

async function seed(context: StageContext, results: Results): Promise<SeededDatabase> {
  const dreams = context.quick ? 5_000 : 100_000;
  const users = context.quick ? 50 : 1_000;
  const database = await createTestDatabase('dc_bench_data');
  context.cleanup(() => database.drop());
  await migrateReadModels(database.url);
  const pool = await connectPostgres({ url: database.url, max: WRITERS, applicationName: 'bench-seed' });
  context.cleanup(() => pool.end());
  const store = await openAuditedStore(database.url, pool);
  context.cleanup(() => store.close());

  context.log(`seeding ${dreams} dreams of ${users} users through the store`);
  const started = performance.now();
  let next = 0;
  let last = 0n;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let n = next++; n < dreams; n = next++) {
        const { streamId, events } = newDreamEvents(userOf(n % users), n);
        const result = await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
        if (result.position > last) last = result.position;
      }
    }),
  );
  await eventually(async () => (await store.headPosition()) >= last, { what: 'every seeded event readable', timeoutMs: 60_000, intervalMs: 100 });
  const seconds = (performance.now() - started) / 1000;
  results.record({ key: 'seed.rate', stage: '4 rebuild', label: `seeding: 2-event appends, ${WRITERS} writers`, unit: 'appends/s', better: 'higher' }, dreams / seconds);
  results.note(`Seeded ${dreams} dreams (${dreams * 2} events) of ${users} users through appendToStream in ${seconds.toFixed(1)} s.`);
  context.log(`seeded in ${seconds.toFixed(1)} s (${Math.round(dreams / seconds)} appends/s)`);
  return { url: database.url, pool, store, dreams, users, events: dreams * 2, projected: false };
}

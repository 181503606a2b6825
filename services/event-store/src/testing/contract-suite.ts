/**
 * The event store contract: one suite every adapter must pass, so that the stores cannot
 * drift apart. An adapter's spec calls `eventStoreContractSuite` with a factory of fresh
 * store instances on its backing database.
 *
 * The cases assume nothing about other traffic on the store: each uses its own streams and
 * reads `$all` from positions it observed, so the suite also runs against a shared
 * EventStoreDB server.
 */
import type { EventStore } from '../event-store.js';
import { appendCases, concurrentAppendCases } from './append-cases.js';
import { caseCollisionCases } from './case-cases.js';
import { concurrencyCase, type LoadShape } from './concurrency-case.js';
import type { SuiteContext } from './fixtures.js';
import { readCases } from './read-cases.js';
import { subscriptionCases } from './subscription-cases.js';

export interface ContractSuiteOptions {
  /** The load of the concurrency case (default: 20 writers, 5,000 events, 50 streams). */
  load?: LoadShape;
}

export function eventStoreContractSuite(name: string, createStore: () => Promise<EventStore>, options: ContractSuiteOptions = {}): void {
  describe(`event store contract: ${name}`, function () {
    const ctx = { createStore } as SuiteContext;
    before(async function () {
      this.timeout(30_000);
      ctx.store = await createStore();
    });
    after(async () => {
      await ctx.store?.close();
    });

    appendCases(ctx);
    concurrentAppendCases(ctx);
    caseCollisionCases(ctx);
    readCases(ctx);
    subscriptionCases(ctx);
    concurrencyCase(ctx, options.load);
  });
}

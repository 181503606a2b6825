import { expect } from 'chai';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { PROJECTIONS } from '../registry.js';
import { appendInterleaved, bulkScripts } from '../testing/bulk.js';
import { useReadModelDatabase } from '../testing/harness.js';
import { DEFAULT_PAGE_SIZE } from './build.js';
import { rebuildAndSwap } from './rebuild.js';

/**
 * Rebuild speed, as a ratio to merely reading the same events from the store in the same
 * run: absolute rates depend on the machine (and on whatever else shares its cores).
 */
describe('rebuild speed', function () {
  this.timeout(60_000);
  const database = useReadModelDatabase('dc_proj_speed');

  it('rebuilds a projection at a good fraction of the speed of reading the events', async () => {
    const { pool, store } = database.db;
    const events = await appendInterleaved(store, bulkScripts(300, 40, { prefix: 'speed-user' }));
    // The store returns nothing above the oldest transaction still running in the cluster: wait until all is readable.
    await eventually(async () => (await store.headPosition()) === events.at(-1)!.position, { what: 'every event readable', timeoutMs: 20_000 });
    const started = performance.now();
    let after: bigint | undefined;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ ...(after !== undefined && { after }), maxCount: DEFAULT_PAGE_SIZE });
      read += page.events.length;
      after = page.lastPosition;
      if (page.isEnd) break;
    }
    expect(read).to.equal(events.length);
    const readRate = read / ((performance.now() - started) / 1_000);
    const rates: Record<string, number> = {};
    for (const projection of [PROJECTIONS.dream_summary, PROJECTIONS.catalogue]) {
      const report = await rebuildAndSwap({ pool, store, projections: [projection] });
      expect(report.events).to.equal(events.length);
      rates[projection.name] = report.events / report.seconds;
    }
    const summary = Object.entries(rates).map(([name, rate]) => `${name} ${Math.round(rate)} events/s (${(rate / readRate).toFixed(2)} of reading)`);
    console.log(`      reading alone ${Math.round(readRate)} events/s; rebuilding ${summary.join(', ')}`);
    for (const rate of Object.values(rates)) expect(rate / readRate).to.be.greaterThan(0.15);
  });
});

import { expect } from 'chai';
import { cachedCheck, readiness } from './ops.js';

describe('cached readiness checks', () => {
  it('runs a check once for a burst of callers and reuses its result for the TTL', async () => {
    let runs = 0;
    let clock = 0;
    let release: () => void = () => {};
    const check = cachedCheck(
      () => {
        runs += 1;
        return new Promise((resolve) => (release = () => resolve({ ok: true })));
      },
      1_000,
      () => clock,
    );
    const burst = Promise.all(Array.from({ length: 100 }, () => readiness({ database: check })));
    release();
    expect((await burst).every((report) => report.ready)).to.equal(true);
    expect(runs).to.equal(1);
    clock = 999;
    await readiness({ database: check });
    expect(runs).to.equal(1);
    clock = 1_000;
    const again = readiness({ database: check });
    release();
    await again;
    expect(runs).to.equal(2);
  });

  it('caches a failure too, with its reason', async () => {
    let runs = 0;
    const check = cachedCheck(() => {
      runs += 1;
      throw new Error('database is down');
    });
    expect(await readiness({ database: check })).to.deep.equal({ ready: false, checks: { database: { ok: false, detail: 'database is down' } } });
    await readiness({ database: check });
    expect(runs).to.equal(1);
  });
});

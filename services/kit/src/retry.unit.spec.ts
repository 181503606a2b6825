import { expect } from 'chai';
import { backoffDelay, retry } from './retry.js';

describe('retry', () => {
  it('retries until the work succeeds', async () => {
    let calls = 0;
    const result = await retry(async () => {
      calls++;
      if (calls < 3) throw new Error('not yet');
      return 'done';
    }, { what: 'test', initialDelayMs: 1, maxDelayMs: 2 });
    expect(result).to.equal('done');
    expect(calls).to.equal(3);
  });

  it('gives up after the allowed attempts with the last error', async () => {
    let calls = 0;
    const failing = retry(async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    }, { what: 'test', attempts: 2, initialDelayMs: 1 });
    await failing.then(() => expect.fail('should fail'), (error: Error) => expect(error.message).to.equal('failure 2'));
  });

  it('backs off exponentially within its cap', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const delay = backoffDelay(attempt, 100, 1_000);
      const ceiling = Math.min(1_000, 100 * 2 ** attempt);
      expect(delay).to.be.within(ceiling / 2, ceiling);
    }
  });
});

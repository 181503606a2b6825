import { expect } from 'chai';
import { serviceBudgetMs } from './command-client.js';

describe('command client: the time the command service is given', () => {
  it('is the gateway wait less a quarter of it, at most a second, so the answer is back before the gateway gives up', () => {
    expect(serviceBudgetMs(15_000)).to.equal(14_000);
    expect(serviceBudgetMs(2_000)).to.equal(1_500);
    expect(serviceBudgetMs(400)).to.equal(300);
    expect(serviceBudgetMs(1)).to.equal(1);
  });
});

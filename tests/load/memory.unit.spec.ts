import { expect } from 'chai';
import { heldBytes, judgeMemory, trend, type Sample } from './memory.js';

const MB = 1024 * 1024;
const series = (bytesAt: (at: number) => number, seconds = 600, every = 10): Sample[] => Array.from({ length: seconds / every + 1 }, (_, index) => ({ at: index * every, bytes: bytesAt(index * every) }));
const rules = { warmUpSeconds: 120, windowSeconds: 60, allowed: 0.1 };

describe('load hold: memory verdict', () => {
  it('ignores the warm-up and the saw-tooth of garbage collection', () => {
    // Grows during warm-up, then saws between 140 and 160 MB.
    const verdict = judgeMemory('gateway', series((at) => (at < 120 ? 80 * MB + at * MB : (at / 10) % 2 ? 160 * MB : 140 * MB)), rules);
    expect(verdict.stable).to.equal(true);
    expect(verdict.growth).to.be.within(-0.1, 0.1);
  });

  it('fails a steady leak beyond 10 % after warm-up', () => {
    // 100 MB after warm-up, plus 50 kB a second: about 24 % more by the end.
    const verdict = judgeMemory('relay', series((at) => 100 * MB + Math.max(0, at - 120) * 50 * 1024), rules);
    expect(verdict.stable).to.equal(false);
    expect(verdict.growth).to.be.greaterThan(0.1);
  });

  it('needs samples after warm-up', () => {
    expect(() => judgeMemory('x', series(() => MB, 60), rules)).to.throw(/no samples after warm-up/);
  });

  it('sums a series up as the medians of its windows', () => {
    expect(trend(series((at) => (at < 60 ? 10 : 20) * MB, 119), 60)).to.deep.equal([10 * MB, 20 * MB]);
  });

  it('counts what a process holds: anonymous memory without the free part of its V8 heap', () => {
    // A projector as seen in a hold: V8 gave back 23 MB of free heap, then took it again, with the same 26 MB in use.
    const before = heldBytes(79 * MB, { total: 63 * MB, used: 26 * MB });
    const shrunk = heldBytes(56 * MB, { total: 40 * MB, used: 26 * MB });
    expect(before).to.equal(42 * MB);
    expect(shrunk).to.equal(before);
    // A leak in use or native memory still shows.
    expect(heldBytes(79 * MB + 10 * MB, { total: 63 * MB, used: 26 * MB })).to.equal(52 * MB);
    expect(heldBytes(79 * MB + 10 * MB, { total: 73 * MB, used: 36 * MB })).to.equal(52 * MB);
  });
});

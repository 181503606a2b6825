import { expect } from 'chai';
import { CheckpointWatch, parseCheckpointPayload, type Checkpoints } from './checkpoint-watch.js';

describe('checkpoint watch', () => {
  let stored: Checkpoints;
  let reads: number;
  let watch: CheckpointWatch;

  beforeEach(() => {
    stored = new Map([['dream_summary', 10n], ['dream_detail', 5n]]);
    reads = 0;
    watch = new CheckpointWatch(async () => {
      reads++;
      return new Map(stored);
    });
  });

  it('parses notification payloads', () => {
    expect(parseCheckpointPayload('dream_summary:42')).to.deep.equal({ projection: 'dream_summary', position: 42n });
    expect(parseCheckpointPayload('nonsense')).to.equal(undefined);
    expect(parseCheckpointPayload('dream_summary:-1')).to.equal(undefined);
  });

  it('answers at once when the projections are already there', async () => {
    expect(await watch.waitFor(['dream_summary'], 10n, 1_000)).to.deep.equal({ reached: true, position: 10n });
    expect(watch.waiting).to.equal(0);
  });

  it('wakes a waiter when the notification that reaches its position arrives', async () => {
    const started = Date.now();
    const waiting = watch.waitFor(['dream_summary', 'dream_detail'], 20n, 5_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(watch.waiting).to.equal(1);
    watch.onNotification('dream_summary:25');
    expect(watch.waiting).to.equal(1); // dream_detail is still behind
    watch.onNotification('dream_detail:20');
    expect(await waiting).to.deep.equal({ reached: true, position: 20n });
    expect(Date.now() - started).to.be.below(1_000);
    expect(reads).to.equal(1); // one read when the wait began, no polling
  });

  it('gives up after the timeout with what it has', async () => {
    const result = await watch.waitFor(['dream_detail'], 100n, 50);
    expect(result).to.deep.equal({ reached: false, position: 5n });
    expect(watch.waiting).to.equal(0);
  });

  it('never moves a checkpoint backwards', () => {
    watch.advance('dream_summary', 30n);
    watch.onNotification('dream_summary:20');
    expect(watch.lowest(['dream_summary'])).to.equal(30n);
  });

  it('finds a position a missed notification would have announced', async () => {
    stored.set('dream_detail', 50n);
    expect(await watch.waitFor(['dream_detail'], 50n, 1_000)).to.deep.equal({ reached: true, position: 50n });
  });

  it('releases every waiter on shutdown', async () => {
    const waiting = watch.waitFor(['dream_detail'], 100n, 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    watch.releaseAll();
    expect((await waiting).reached).to.equal(false);
  });
});

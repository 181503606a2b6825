import { expect } from 'chai';
import type { ReadAllOptions, RecordedEvent } from '@dreamcatcher/event-store';
import { describeLag, lagOf, measureLag, type LagStore } from './lag.js';

const NOW = Date.parse('2025-03-01T12:00:30.000Z');

function storeOf(events: { position: bigint; occurredAt: string }[]): LagStore & { reads: ReadAllOptions[] } {
  const reads: ReadAllOptions[] = [];
  return {
    reads,
    headPosition: async () => events.at(-1)?.position ?? 0n,
    readAll: async (options) => {
      reads.push(options);
      const page = events.filter((event) => options.after === undefined || event.position > options.after).slice(0, options.maxCount);
      const recorded = page.map((event) => ({ position: event.position, metadata: { occurredAt: event.occurredAt } }) as unknown as RecordedEvent);
      return { events: recorded, lastPosition: recorded.at(-1)?.position, isEnd: true };
    },
  };
}

describe('projection lag', () => {
  it('is zero at the head, whatever the clock says', () => {
    expect(lagOf(10n, 10n, undefined, NOW)).to.deep.equal({ positions: 0n, seconds: 0 });
    expect(lagOf(10n, 12n, '2025-03-01T12:00:00.000Z', NOW)).to.deep.equal({ positions: 0n, seconds: 0 });
  });

  it('counts positions to the head and the age of the oldest event not applied', () => {
    expect(lagOf(25n, 10n, '2025-03-01T12:00:00.000Z', NOW)).to.deep.equal({ positions: 15n, seconds: 30 });
    // A clock a little behind the writer's never makes the lag negative.
    expect(lagOf(25n, 10n, '2025-03-01T12:00:31.000Z', NOW).seconds).to.equal(0);
  });

  it('reads the first event after each lagging checkpoint, and nothing for one at the head', async () => {
    const store = storeOf([
      { position: 3n, occurredAt: '2025-03-01T12:00:00.000Z' },
      { position: 7n, occurredAt: '2025-03-01T12:00:20.000Z' },
      { position: 9n, occurredAt: '2025-03-01T12:00:25.000Z' },
    ]);
    const lag = await measureLag(store, new Map([['dream_summary', 9n], ['catalogue', 3n]]), ['dream_summary', 'catalogue', 'sync_status'], NOW);
    expect(lag.get('dream_summary')).to.deep.equal({ positions: 0n, seconds: 0 });
    expect(lag.get('catalogue')).to.deep.equal({ positions: 6n, seconds: 10 });
    // Never applied anything: behind from the first event of the store.
    expect(lag.get('sync_status')).to.deep.equal({ positions: 9n, seconds: 30 });
    expect(store.reads).to.deep.equal([{ after: 3n, maxCount: 1 }, { maxCount: 1 }]);
  });

  it('describes itself for /ready', () => {
    expect(describeLag('catalogue', { positions: 6n, seconds: 10 })).to.equal('catalogue is 6 positions and 10.0 s behind the store head');
  });
});

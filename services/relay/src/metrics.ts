import { Counter, Gauge, type Registry } from '@dreamcatcher/service-kit';

/** What the relay's metrics read when scraped. */
export interface RelayGauges {
  inFlight(): number;
  leader(): boolean;
  /** Store head minus checkpoint, in positions, and seconds behind (see README). */
  lag(): Promise<{ positions: bigint; seconds: number }>;
}

export interface RelayMetrics {
  published: Counter;
  confirmed: Counter;
  retried: Counter<'reason'>;
}

export function createRelayMetrics(registry: Registry, gauges: RelayGauges): RelayMetrics {
  // One store query serves both lag gauges of a scrape.
  let pending: Promise<{ positions: bigint; seconds: number }> | undefined;
  const lag = () => {
    pending ??= gauges.lag().finally(() => setTimeout(() => (pending = undefined), 250).unref());
    return pending;
  };
  new Gauge({
    name: 'relay_in_flight',
    help: 'Messages published and not yet confirmed by the broker',
    registers: [registry],
    collect() {
      this.set(gauges.inFlight());
    },
  });
  new Gauge({
    name: 'relay_leader',
    help: '1 while this relay holds the lock and publishes, 0 while it stands by',
    registers: [registry],
    collect() {
      this.set(gauges.leader() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'relay_lag_positions',
    help: 'Store head position minus the relay checkpoint (positions are sparse: a distance, not an event count)',
    registers: [registry],
    async collect() {
      this.set(Number((await lag()).positions));
    },
  });
  new Gauge({
    name: 'relay_lag_seconds',
    help: 'Now minus occurredAt of the last confirmed event while behind the head; 0 when caught up',
    registers: [registry],
    async collect() {
      this.set((await lag()).seconds);
    },
  });
  return {
    published: new Counter({ name: 'relay_published_total', help: 'Messages handed to the broker', registers: [registry] }),
    confirmed: new Counter({ name: 'relay_confirmed_total', help: 'Messages the broker confirmed', registers: [registry] }),
    retried: new Counter({
      name: 'relay_retried_total',
      help: 'Times publishing was torn down and restarted from the checkpoint, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}

import { Counter, Gauge, Histogram, type Registry } from '@dreamcatcher/service-kit';
import type { BatchResult } from './apply-batch.js';
import { measureLag, type Lag, type LagStore } from './lag.js';

/** Why a projector had to retry or give up on something. */
export type FailureKind = 'batch' | 'message' | 'outage' | 'undecodable' | 'foreign_stream';

export interface ProjectorMetrics {
  events: Counter<'projection' | 'outcome'>;
  batchSeconds: Histogram<'projection'>;
  deadLetters: Counter<'projection'>;
  failures: Counter<'projection' | 'kind'>;
  checkpoint: Gauge<'projection'>;
}

/** The projector's metrics, registered once per registry and shared by every projection of the process. */
export function createProjectorMetrics(registry: Registry): ProjectorMetrics {
  return {
    events: new Counter({ name: 'projection_events_total', help: 'Events by projection and outcome (applied, ignored, duplicate, refetched)', labelNames: ['projection', 'outcome'], registers: [registry] }),
    batchSeconds: new Histogram({ name: 'projection_batch_duration_seconds', help: 'Time to apply and commit one batch', labelNames: ['projection'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    deadLetters: new Counter({ name: 'projection_dead_letters_total', help: 'Messages sent to the dead-letter queue', labelNames: ['projection'], registers: [registry] }),
    failures: new Counter({
      name: 'projection_failures_total',
      help: 'Failed attempts, by projection and kind: batch (split up to apply one by one), message (one attempt of one message), outage (a dependency was down; retried), undecodable (not an event envelope), foreign_stream (an event of another spelling of a dream stream, refused and dead-lettered at once)',
      labelNames: ['projection', 'kind'],
      registers: [registry],
    }),
    checkpoint: new Gauge({ name: 'projection_checkpoint_position', help: 'Last store position applied', labelNames: ['projection'], registers: [registry] }),
  };
}

/** Counts what one committed batch did. */
export function recordBatch(metrics: ProjectorMetrics, projection: string, result: BatchResult): void {
  metrics.events.inc({ projection, outcome: 'applied' }, result.applied);
  metrics.events.inc({ projection, outcome: 'ignored' }, result.ignored);
  metrics.events.inc({ projection, outcome: 'duplicate' }, result.duplicates);
  metrics.events.inc({ projection, outcome: 'refetched' }, result.refetched);
  if (result.checkpoint !== undefined) metrics.checkpoint.set({ projection }, Number(result.checkpoint));
}

/** Where a projection's lag is read from when scraped. */
export interface LagSources {
  store: LagStore;
  /** Each projection's checkpoint (absent: nothing applied yet). */
  checkpoints(): Promise<ReadonlyMap<string, bigint>>;
  /** A failed measurement leaves the gauges at their last values and is reported here. */
  onError?: (error: Error) => void;
}

/**
 * `projection_lag_positions` and `projection_lag_seconds` for `projections`, measured on
 * each scrape (one measurement serves both gauges). Returns the measurement for `/ready`.
 */
export function projectionLagGauges(registry: Registry, sources: LagSources, projections: readonly string[]): () => Promise<Map<string, Lag>> {
  let pending: Promise<Map<string, Lag>> | undefined;
  const measure = () => {
    pending ??= sources
      .checkpoints()
      .then((checkpoints) => measureLag(sources.store, checkpoints, projections))
      .finally(() => setTimeout(() => (pending = undefined), 250).unref());
    return pending;
  };
  // A scrape must not fail because the store or the database is away: the gauges keep their values.
  const measured = () =>
    measure().catch((error: Error) => {
      sources.onError?.(error);
      return new Map<string, Lag>();
    });
  new Gauge({
    name: 'projection_lag_positions',
    help: 'How far each projection is behind the event store head (head position - checkpoint; positions are sparse)',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      for (const [projection, lag] of await measured()) this.set({ projection }, Number(lag.positions));
    },
  });
  new Gauge({
    name: 'projection_lag_seconds',
    help: 'Age of the oldest event a projection has not applied yet (now - its occurredAt); 0 when caught up',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      for (const [projection, lag] of await measured()) this.set({ projection }, lag.seconds);
    },
  });
  return measure;
}

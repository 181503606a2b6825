import { Counter, Gauge, Histogram, type Registry } from '@dreamcatcher/service-kit';

export interface ProjectorMetrics {
  events: Counter<'projection' | 'outcome'>;
  batchSeconds: Histogram<'projection'>;
  deadLetters: Counter<'projection'>;
  checkpoint: Gauge<'projection'>;
}

/** The projector's metrics, registered once per registry and shared by every projection of the process. */
export function createProjectorMetrics(registry: Registry): ProjectorMetrics {
  return {
    events: new Counter({ name: 'projection_events_total', help: 'Events by projection and outcome (applied, ignored, duplicate, refetched)', labelNames: ['projection', 'outcome'], registers: [registry] }),
    batchSeconds: new Histogram({ name: 'projection_batch_duration_seconds', help: 'Time to apply and commit one batch', labelNames: ['projection'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    deadLetters: new Counter({ name: 'projection_dead_letters_total', help: 'Messages sent to the dead-letter queue', labelNames: ['projection'], registers: [registry] }),
    checkpoint: new Gauge({ name: 'projection_checkpoint_position', help: 'Last store position applied', labelNames: ['projection'], registers: [registry] }),
  };
}

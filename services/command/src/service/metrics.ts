import { Counter, Histogram, type Registry } from '@dreamcatcher/service-kit';

/** What the command service counts; `/metrics` shows them with the process metrics. */
export interface CommandMetrics {
  commands: Counter<'type' | 'outcome'>;
  appends: Counter<'type'>;
  eventsAppended: Counter<'type'>;
  conflicts: Counter<'type'>;
  retries: Counter<'type'>;
  duration: Histogram<'type' | 'outcome'>;
}

// Registering twice on one registry throws; a second service on the same registry shares the collectors.
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export function createCommandMetrics(registry: Registry): CommandMetrics {
  const durationName = 'command_duration_seconds';
  return {
    commands: counter(registry, 'commands_total', 'Commands handled, by type and outcome', ['type', 'outcome']),
    appends: counter(registry, 'command_appends_total', 'Appends to the event store', ['type']),
    eventsAppended: counter(registry, 'command_events_appended_total', 'Events appended to the event store', ['type']),
    conflicts: counter(registry, 'command_conflicts_total', 'Appends refused because the stream had moved', ['type']),
    retries: counter(registry, 'command_retries_total', 'Commands decided again after a conflict', ['type']),
    duration:
      (registry.getSingleMetric(durationName) as Histogram<'type' | 'outcome'> | undefined) ??
      new Histogram({
        name: durationName,
        help: 'Time to handle a command, idempotency included',
        labelNames: ['type', 'outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  };
}

/** The `outcome` label of a finished command. */
export function outcomeOf(status: number, replayed: boolean, unchanged: boolean): string {
  if (replayed) return 'replayed';
  if (unchanged) return 'unchanged';
  if (status < 300) return 'ok';
  if (status === 409) return 'conflict';
  if (status === 412) return 'precondition_failed';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'rejected' : 'error';
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A Prometheus registry for one service, with process metrics and a `service` label on everything. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** What a service can say about its connections when scraped. */
export interface ConnectionProbes {
  /** Resolves when the database answers now (e.g. `SELECT 1`); rejects or hangs when it does not. */
  database?: () => Promise<unknown>;
  /** Whether the broker connection is up (the kit's `AmqpClient.connected`). */
  broker?: () => boolean;
}

const PROBE_TIMEOUT_MS = 1_000;

// Registering a name twice on one registry throws; services sharing a registry (tests) share the collectors.
function registered(registry: Registry, name: string): boolean {
  return registry.getSingleMetric(name) !== undefined;
}

/**
 * `database_up` (1 when a query answered within a second of the scrape) and
 * `broker_connected` (1 while the AMQP connection is up), for the connections a service has.
 */
export function connectionGauges(registry: Registry, probes: ConnectionProbes): void {
  const { database, broker } = probes;
  if (database && !registered(registry, 'database_up')) {
    new Gauge({
      name: 'database_up',
      help: '1 when the database answered a query at scrape time, 0 when it did not within a second',
      registers: [registry],
      async collect() {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)));
        try {
          await Promise.race([database(), timeout]);
          this.set(1);
        } catch {
          this.set(0);
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }
  if (broker && !registered(registry, 'broker_connected')) {
    new Gauge({
      name: 'broker_connected',
      help: '1 while the RabbitMQ connection is up, 0 while it is down or reconnecting',
      registers: [registry],
      collect() {
        this.set(broker() ? 1 : 0);
      },
    });
  }
}

/** Request rate, errors and latency by route template: the same series for every HTTP service. */
export interface HttpMetrics {
  /** Records one answered request; `route` is the matched template (`/dreams/:id`), never the raw path. */
  observe(labels: { method: string; route: string; status: number }, seconds: number): void;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const labelNames = ['method', 'route', 'status'] as const;
  type Label = (typeof labelNames)[number];
  const existing = <M>(name: string) => registry.getSingleMetric(name) as M | undefined;
  const requests =
    existing<Counter<Label>>('http_requests_total') ??
    new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames, registers: [registry] });
  const errors =
    existing<Counter<Label>>('http_request_errors_total') ??
    new Counter({ name: 'http_request_errors_total', help: 'HTTP requests answered with a 5xx status', labelNames, registers: [registry] });
  const duration =
    existing<Histogram<Label>>('http_request_duration_seconds') ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency, by method, route template and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return {
    observe({ method, route, status }, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      if (status >= 500) errors.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}

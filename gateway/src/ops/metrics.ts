import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, type Logger, type Registry } from '@dreamcatcher/service-kit';
import { routeTemplate } from '../http/request-context.js';

/** Request rate, errors and latency, labelled by route template (never by raw path: ids would explode the label set). */
export function httpMetrics(registry: Registry): RequestHandler {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeTemplate(res), status: String(res.statusCode) };
      requests.inc(labels);
      if (res.statusCode >= 500) errors.inc(labels);
      stop(labels);
    });
    next();
  };
}

export interface LagSources {
  headPosition(): Promise<bigint>;
  /** Each projection's checkpoint (last applied position). */
  checkpoints(): Promise<Map<string, bigint>>;
}

/** `projection_lag_positions{projection}`: store head minus checkpoint, computed on each scrape. */
export function projectionLagGauge(registry: Registry, sources: LagSources, projections: readonly string[], logger: Logger): Gauge {
  return new Gauge({
    name: 'projection_lag_positions',
    help: 'How far each projection is behind the event store head (head position - checkpoint)',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      try {
        const [head, checkpoints] = await Promise.all([sources.headPosition(), sources.checkpoints()]);
        for (const projection of projections) {
          const checkpoint = checkpoints.get(projection) ?? 0n;
          this.set({ projection }, Number(head > checkpoint ? head - checkpoint : 0n));
        }
      } catch (error) {
        logger.warn('could not compute projection lag', { error: (error as Error).message });
      }
    },
  });
}

import type { RequestHandler } from 'express';
import { Counter, createHttpMetrics, Gauge, type Registry } from '@dreamcatcher/service-kit';
import { routeTemplate } from '../http/request-context.js';

/** Request rate, errors and latency, labelled by route template (never by raw path: ids would explode the label set). */
export function httpMetrics(registry: Registry): RequestHandler {
  const http = createHttpMetrics(registry);
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => http.observe({ method: req.method, route: routeTemplate(res), status: res.statusCode }, (performance.now() - started) / 1000));
    next();
  };
}

/**
 * `gateway_live_connections` (open now) and `gateway_live_connections_ended_total{reason}`;
 * returns what the live hub calls when a connection ends.
 */
export function liveMetrics(registry: Registry, open: () => number): (reason: string) => void {
  // Gateways sharing a registry (tests) share the collectors.
  const existing = registry.getSingleMetric('gateway_live_connections_ended_total') as Counter<'reason'> | undefined;
  if (!registry.getSingleMetric('gateway_live_connections')) {
    new Gauge({ name: 'gateway_live_connections', help: 'Live connections (SSE and WebSocket) open now', registers: [registry], collect() {
      this.set(open());
    } });
  }
  const ended = existing ?? new Counter({ name: 'gateway_live_connections_ended_total', help: 'Live connections ended, by why', labelNames: ['reason'], registers: [registry] });
  return (reason) => ended.inc({ reason });
}

import type { RequestHandler } from 'express';
import { createHttpMetrics, type Registry } from '@dreamcatcher/service-kit';
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

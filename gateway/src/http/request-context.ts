import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { withLogContext, type Logger } from '@dreamcatcher/service-kit';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    correlationId: string;
    /** W3C trace context, when the caller sent a well-formed one. */
    traceparent?: string;
    tracestate?: string;
  }
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A caller-supplied id when it is safe to echo and log, else a new one. */
export function acceptedId(value: string | string[] | undefined): string {
  return typeof value === 'string' && ID.test(value) ? value : randomUUID();
}

export function acceptedTraceparent(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && TRACEPARENT.test(value) && !/^ff-|^[0-9a-f]{2}-0{32}-|-0{16}-/.test(value) ? value : undefined;
}

/** The route a request matched, as a template (`/api/v1/dreams/:id`), for logs and metrics; set by `mountRoutes`. */
export function routeTemplate(res: Response): string {
  const route: unknown = res.locals.route;
  return typeof route === 'string' ? route : 'unmatched';
}

/**
 * Gives every request a request id and a correlation id (the caller's when valid), echoes
 * both, runs the rest of the request inside a log context carrying them, and writes one
 * access line when the response is done.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.requestId = acceptedId(req.headers['x-request-id']);
    req.correlationId = acceptedId(req.headers['x-correlation-id']);
    const traceparent = acceptedTraceparent(req.headers.traceparent);
    if (traceparent) {
      req.traceparent = traceparent;
      const tracestate = req.headers.tracestate;
      if (typeof tracestate === 'string' && tracestate.length <= 512) req.tracestate = tracestate;
    }
    res.setHeader('X-Request-Id', req.requestId);
    res.setHeader('X-Correlation-Id', req.correlationId);
    const context = { requestId: req.requestId, correlationId: req.correlationId };
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const fields = {
        method: req.method,
        route: routeTemplate(res),
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        ...(req.principal && { userId: req.principal.userId }),
      };
      withLogContext(context, () => logger.info('request', fields));
    });
    withLogContext(context, () => next());
  };
}

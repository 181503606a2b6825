/**
 * Tracing as the services use it, through the OpenTelemetry API only. Without a started
 * SDK every call here is a cheap no-op: spans are non-recording, nothing is injected, and
 * extracted contexts carry nothing, so untraced processes pay next to nothing.
 *
 * Trace context crosses process boundaries as W3C `traceparent`/`tracestate`: in HTTP
 * headers, in event metadata (stored with every event) and in AMQP message headers.
 */
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span, type SpanOptions, type TextMapGetter } from '@opentelemetry/api';

export { SpanKind, type Context, type Span } from '@opentelemetry/api';

/** The instrumentation scope of the services' own spans. */
export const TRACER_NAME = 'dreamcatcher';

/** W3C trace context fields, as they travel in headers and event metadata. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The active span's ids, for log lines; undefined when nothing is being traced. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
}

/** The trace context of `ctx` (the active one by default); empty when tracing is off. */
export function traceCarrier(ctx: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return {
    ...(carrier.traceparent !== undefined && { traceparent: carrier.traceparent }),
    ...(carrier.tracestate !== undefined && { tracestate: carrier.tracestate }),
  };
}

// AMQP header values may arrive as Buffers; HTTP ones as arrays.
const getter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const found = carrier[key];
    const value = Array.isArray(found) ? found[0] : found;
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

/** A context whose parent is the trace context in `carrier` (headers, metadata); the root context when it has none. */
export function contextFrom(carrier: Record<string, unknown> | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier, getter) : ROOT_CONTEXT;
}

/** The span context carried by `ctx`, for links; undefined when it carries none. */
export function linkTo(ctx: Context): { context: ReturnType<Span['spanContext']> } | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/** Starts a span (child of `parent`, else of the active context) that the caller ends. */
export function startSpan(name: string, options: SpanOptions = {}, parent: Context = context.active()): Span {
  return trace.getTracer(TRACER_NAME).startSpan(name, options, parent);
}

/** Ends `span`, marking it failed when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined && error !== null) {
    const message = error instanceof Error ? error.message : String(error);
    span.recordException(error instanceof Error ? error : message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/**
 * Runs `work` inside a new active span (a child of `parent`, else of the active context),
 * ending it when the work settles and marking it failed when the work throws.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T> | T, parent: Context = context.active()): Promise<T> {
  const span = startSpan(name, options, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => work(span));
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/** `parent` with `span` as its current span: the context to run a span's work in, or to link to it. */
export function contextWithSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/** Runs `work` with `ctx` active (e.g. detached from whatever context scheduled it). */
export function withContext<T>(ctx: Context, work: () => T): T {
  return context.with(ctx, work);
}

export { ROOT_CONTEXT };

/**
 * Finished spans as JSON lines: what a test reads back from the real processes
 * (TELEMETRY_SPANS_DIR) to assert that one request's spans form one trace.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One finished span, flattened. Times are milliseconds since the epoch. */
export interface SpanRecord {
  service: string;
  name: string;
  /** SpanKind as a word: internal, server, client, producer, consumer. */
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startMs: number;
  durationMs: number;
  /** `error` when the span failed. */
  status: 'unset' | 'ok' | 'error';
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES = ['unset', 'ok', 'error'] as const;
const millis = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    name: span.name,
    kind: KINDS[span.kind] ?? String(span.kind),
    traceId,
    spanId,
    ...(parent && { parentSpanId: parent.spanId }),
    startMs: millis(span.startTime),
    durationMs: millis(span.duration),
    status: STATUSES[span.status.code] ?? 'unset',
    attributes: { ...span.attributes },
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
  };
}

type ExportCallback = Parameters<SpanExporter['export']>[1];

/**
 * Appends every finished span to `<dir>/<service>-<pid>.jsonl` as it is handed over, so a
 * process killed afterwards has already written what it finished. For tests: synchronous
 * file writes are no production exporter.
 */
export class JsonLinesSpanExporter implements SpanExporter {
  readonly path: string;

  constructor(dir: string, service: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${service.replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}.jsonl`);
  }

  export(spans: ReadableSpan[], done: ExportCallback): void {
    try {
      appendFileSync(this.path, spans.map((span) => `${JSON.stringify(toSpanRecord(span))}\n`).join(''));
      done({ code: 0 });
    } catch (error) {
      done({ code: 1, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}

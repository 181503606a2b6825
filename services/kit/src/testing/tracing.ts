/**
 * In-process tracing for specs: a registered tracer provider with an in-memory exporter, so that code
 * under test records real spans, and the API's globals reset afterwards so that other
 * specs in the same mocha process run untraced again.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { toSpanRecord, type SpanRecord } from '../telemetry/span-records.js';

export interface InMemoryTracing {
  /** Finished spans so far, oldest first. */
  spans(): SpanRecord[];
  /** The same spans as the SDK hands them to exporters. */
  raw(): ReadableSpan[];
  reset(): void;
}

/** Mocha hooks: tracing on for the enclosing `describe`, as service `serviceName`. */
export function useInMemoryTracing(serviceName = 'test'): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider | undefined;
  before(() => {
    provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
  });
  after(async () => {
    await provider?.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  return {
    spans: () => exporter.getFinishedSpans().map(toSpanRecord),
    raw: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
}

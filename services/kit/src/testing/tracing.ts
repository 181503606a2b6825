/**
 * In-process tracing for specs: a started SDK with an in-memory exporter, so that code
 * under test records real spans, and the API's globals reset afterwards so that other
 * specs in the same mocha process run untraced again.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
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
  let sdk: NodeSDK | undefined;
  before(() => {
    sdk = new NodeSDK({
      serviceName,
      autoDetectResources: false,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [],
    });
    sdk.start();
  });
  after(async () => {
    await sdk?.shutdown();
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

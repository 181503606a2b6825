/**
 * The OpenTelemetry SDK, loaded only when tracing is on. Two steps, because they happen at
 * different times:
 * - `armTracing` (from the `--import` entry, before the service imports anything) enables
 *   the instrumentations, whose hooks must be in place before `http`, `express`, `pg` and
 *   `amqplib` are first loaded;
 * - `start` (from `runService`, once the service's name is known) registers the tracer
 *   provider with that name and the exporters. Until then the instrumentations' tracers
 *   are the API's proxies and record nothing.
 * Only these four instrumentations are loaded: the auto-instrumentation bundle would load
 * dozens of modules that no service uses.
 */
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonLinesSpanExporter } from './span-records.js';
import { isOpsPath, type TracingSettings } from './settings.js';
import { setTelemetryHandle, type TelemetryHandle } from './state.js';

function instrumentations() {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isOpsPath(request.url),
      // Outgoing requests outside any traced work (probes, token key fetches) are noise.
      requireParentforOutgoingSpans: true,
    }),
    // Route and handler spans; one span per middleware would bury them.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    // Queries of traced work only: the relay's polling and the lock's heartbeats stay out.
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    new AmqplibInstrumentation(),
  ];
}

/** Enables the instrumentations and leaves a handle that `runService` starts the SDK with. */
export function armTracing(settings: TracingSettings): void {
  instrumentations();
  let shutdown: (() => Promise<void>) | undefined;
  const handle: TelemetryHandle = {
    settings,
    async start(serviceName) {
      if (shutdown) return;
      const { NodeSDK } = await import('@opentelemetry/sdk-node');
      const spanProcessors: SpanProcessor[] = [];
      if (settings.otlpEndpoint) {
        // Reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT itself; a collector that is down costs dropped spans, never an error.
        const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
        spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
      }
      if (settings.spansDir) spanProcessors.push(new SimpleSpanProcessor(new JsonLinesSpanExporter(settings.spansDir, serviceName)));
      // Traces only: metrics are scraped from /metrics and logs go to stdout.
      const sdk = new NodeSDK({ serviceName: process.env.OTEL_SERVICE_NAME?.trim() || serviceName, spanProcessors, metricReaders: [], logRecordProcessors: [], instrumentations: [] });
      sdk.start();
      shutdown = () => sdk.shutdown();
    },
    async shutdown() {
      await shutdown?.();
    },
  };
  setTelemetryHandle(handle);
}

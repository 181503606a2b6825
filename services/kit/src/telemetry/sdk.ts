/**
 * The OpenTelemetry SDK, loaded only when tracing is on. Two steps, because they happen at
 * different times:
 * - `armTracing` (from the `--import` entry, before the service imports anything) enables
 *   the instrumentations, whose hooks must be in place before `http`, `express`, `pg` and
 *   `amqplib` are first loaded;
 * - `start` (from `runService`, once the service's name is known) registers the tracer
 *   provider with that name and the exporters. Until then the instrumentations' tracers
 *   are the API's proxies and record nothing.
 * Traces only, and only these four instrumentations: metrics are scraped from /metrics and
 * logs go to stdout. The Node SDK package (and the auto-instrumentation bundle) would load
 * metric, log and gRPC exporters that no service uses: about a second more per start.
 */
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, processDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { JsonLinesSpanExporter } from './span-records.js';
import { isOpsPath, urlCarriesCredential, type TracingSettings } from './settings.js';
import { setTelemetryHandle, type TelemetryHandle } from './state.js';

function instrumentations() {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isOpsPath(request.url) || urlCarriesCredential(request.url),
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

/** Enables the instrumentations and leaves a handle that `runService` starts tracing with. */
export function armTracing(settings: TracingSettings): void {
  instrumentations();
  let shutdown: (() => Promise<void>) | undefined;
  const handle: TelemetryHandle = {
    settings,
    async start(serviceName) {
      if (shutdown) return;
      const spanProcessors: SpanProcessor[] = [];
      if (settings.otlpEndpoint) {
        // Reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT itself; a collector that is down costs dropped spans, never an error.
        const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
        spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
      }
      if (settings.spansDir) spanProcessors.push(new SimpleSpanProcessor(new JsonLinesSpanExporter(settings.spansDir, serviceName)));
      const provider = new NodeTracerProvider({ resource: serviceResource(serviceName), spanProcessors });
      // The AsyncLocalStorage context manager and the W3C trace context (and baggage) propagator.
      provider.register();
      shutdown = () => provider.shutdown();
    },
    async shutdown() {
      await shutdown?.();
    },
  };
  setTelemetryHandle(handle);
}

/** service.name (OTEL_SERVICE_NAME wins), what OTEL_RESOURCE_ATTRIBUTES adds, and the process. */
function serviceResource(serviceName: string): Resource {
  const detected = detectResources({ detectors: [envDetector, processDetector] });
  return detected.merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME?.trim() || serviceName }));
}

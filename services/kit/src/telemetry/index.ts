export { activeTraceIds, contextFrom, contextWithSpan, endSpan, inSpan, linkTo, ROOT_CONTEXT, SpanKind, startSpan, traceCarrier, TRACER_NAME, withContext, type Context, type Span, type TraceCarrier } from './context.js';
export { isOpsPath, tracingSettings, urlCarriesCredential, type TracingSettings } from './settings.js';
export { startTelemetry, stopTelemetry, telemetryHandle } from './state.js';

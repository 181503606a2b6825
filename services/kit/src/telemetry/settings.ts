/**
 * Whether a process traces, and where its spans go. Read from the environment by the
 * `--import` entry (register.ts) before the service's own configuration exists, so it is
 * kept to the standard OpenTelemetry variables plus one for tests.
 */

/** Where finished spans go; tracing is off (no SDK, no hooks) when this is undefined. */
export interface TracingSettings {
  /** OTLP/HTTP collector base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans are batched and sent there. */
  otlpEndpoint?: string;
  /** A folder where each process appends its finished spans as JSON lines (TELEMETRY_SPANS_DIR; tests). */
  spansDir?: string;
}

const TRUE = /^(1|true|yes|on)$/i;

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/**
 * Tracing is on when a collector endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or a spans folder is given, unless OTEL_SDK_DISABLED
 * or OTEL_TRACES_EXPORTER=none turns it off.
 */
export function tracingSettings(env: NodeJS.ProcessEnv): TracingSettings | undefined {
  if (TRUE.test(value(env, 'OTEL_SDK_DISABLED') ?? '') || value(env, 'OTEL_TRACES_EXPORTER') === 'none') return undefined;
  const otlpEndpoint = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const spansDir = value(env, 'TELEMETRY_SPANS_DIR');
  if (!otlpEndpoint && !spansDir) return undefined;
  return { ...(otlpEndpoint && { otlpEndpoint }), ...(spansDir && { spansDir }) };
}

/** Incoming requests that are never traced: probes and scrapes would drown the real work. */
export function isOpsPath(url: string | undefined): boolean {
  return /^\/(health|ready|metrics)(\?|$)/.test(url ?? '');
}

/**
 * Whether a request URL carries a credential (`?token=`, `?access_token=`, or the older
 * extension's `/ws/dreamcatcher/<apiKey>` path): such a request is not traced at all, since
 * an HTTP server span records the URL (`http.target`, `url.path`, `url.query`).
 */
export function urlCarriesCredential(url: string | undefined): boolean {
  const value = url ?? '';
  return /\/ws\/dreamcatcher\//i.test(value) || /[?&](access_)?token=/i.test(value);
}

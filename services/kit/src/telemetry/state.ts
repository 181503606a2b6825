/**
 * The tracing handle the `--import` entry leaves for `runService`. It lives on a global
 * symbol rather than in module state, so that the entry and the service find the same
 * handle even when they load the kit through different paths (dist and sources).
 */
import type { TracingSettings } from './settings.js';

export interface TelemetryHandle {
  settings: TracingSettings;
  /** Registers the tracer provider under `serviceName` and starts exporting. */
  start(serviceName: string): Promise<void>;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('dreamcatcher.telemetry');

export function setTelemetryHandle(handle: TelemetryHandle): void {
  (globalThis as Record<symbol, unknown>)[KEY] = handle;
}

/** The handle when the process was started with tracing armed, else undefined. */
export function telemetryHandle(): TelemetryHandle | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as TelemetryHandle | undefined;
}

/** Starts tracing under `serviceName` when the process was armed for it; returns whether it did. */
export async function startTelemetry(serviceName: string): Promise<boolean> {
  const handle = telemetryHandle();
  if (!handle) return false;
  await handle.start(serviceName);
  return true;
}

/** Exports pending spans, waiting at most `timeoutMs` (a collector that is down must not hold up a shutdown). */
export async function stopTelemetry(timeoutMs = 2_000): Promise<void> {
  const handle = telemetryHandle();
  if (!handle) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([handle.shutdown().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

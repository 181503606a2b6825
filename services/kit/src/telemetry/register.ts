/**
 * The `--import` entry of every service process (`node --import
 * @dreamcatcher/service-kit/telemetry main.js`): it runs before the service's main module,
 * so that the instrumentations hook `http`, `express`, `pg` and `amqplib` before anything
 * loads them. ESM imports are hooked through import-in-the-middle's loader, told about
 * exactly the modules the instrumentations ask for; CommonJS requires through
 * require-in-the-middle.
 *
 * With tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT, no TELEMETRY_SPANS_DIR) this loads
 * nothing else and registers no hook. `node -e` and the REPL (no main script, e.g. the
 * image's health check) are never traced.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { tracingSettings } from './settings.js';

const settings = tracingSettings(process.env);

if (settings && isMainThread && process.argv[1] !== undefined) {
  try {
    const { createAddHookMessageChannel } = await import('import-in-the-middle');
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
    const { armTracing } = await import('./sdk.js');
    armTracing(settings);
    // The loader must know every hooked module before the main module's imports resolve.
    await waitForAllMessagesAcknowledged();
  } catch (error) {
    // A service runs untraced rather than not at all.
    process.stderr.write(`${JSON.stringify({ level: 'warn', message: 'tracing not started', error: (error as Error).message, timestamp: new Date().toISOString() })}\n`);
  }
}

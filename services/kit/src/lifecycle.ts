import { ConfigError } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startTelemetry, stopTelemetry } from './telemetry/state.js';

export type Closer = () => Promise<unknown> | unknown;

export interface ServiceHandle {
  /** Registers cleanup; closers run in reverse order of registration on shutdown. */
  onShutdown(closer: Closer): void;
}

/**
 * The entry point of a service: starts tracing when the process was armed for it, runs
 * `start`, and on SIGTERM/SIGINT closes what it opened (last opened, first closed) within
 * `graceMs`, then exits. A configuration error is printed with every problem and the
 * process exits 1 before anything opens.
 */
export async function runService(
  name: string,
  start: (handle: ServiceHandle, logger: Logger) => Promise<void>,
  { graceMs = 10_000, logLevel = process.env.LOG_LEVEL } = {},
): Promise<void> {
  const logger = createLogger({ service: name, level: logLevel ?? 'info' });
  const closers: Closer[] = [];
  let stopping = false;

  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason });
    const timer = setTimeout(() => {
      logger.error('shutdown took too long, exiting', { graceMs });
      process.exit(code || 1);
    }, graceMs);
    timer.unref();
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn('error while closing', { error: (error as Error).message });
      }
    }
    // Spans of the last work go out before the exit (bounded: a collector may be down).
    await stopTelemetry();
    clearTimeout(timer);
    // Pipes to stdout are asynchronous: let the last log lines out before exiting.
    await logger.close();
    process.exit(code);
  };

  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection', { error: (error as Error)?.message ?? String(error) });
    void shutdown('unhandled rejection', 1);
  });

  try {
    // Tracing was armed by the `--import` entry (telemetry/register.ts), if at all; it gets its service name here.
    if (await startTelemetry(name)) logger.info('tracing started');
  } catch (error) {
    logger.warn('tracing not started', { error: (error as Error).message });
  }

  try {
    await start({ onShutdown: (closer) => closers.push(closer) }, logger);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(error.message, { problems: error.problems });
    } else {
      logger.error('failed to start', { error: (error as Error).message, stack: (error as Error).stack });
    }
    await shutdown('start-up failed', 1);
  }
}

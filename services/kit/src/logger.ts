import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';
import { activeTraceIds } from './telemetry/context.js';

/** What a log line knows about the work in progress (a request, a command, a message). */
export interface LogContext {
  requestId?: string;
  correlationId?: string;
  userId?: string;
  traceId?: string;
  spanId?: string;
  [key: string]: unknown;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` added to every log line written inside it. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

export function currentLogContext(): LogContext {
  return context.getStore() ?? {};
}

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** Writes out every pending line; the logger is unusable afterwards. */
  close(): Promise<void>;
}

// Keys whose values never reach a log: credentials, and what users captured.
const REDACTED_KEYS = /^(authorization|cookie|set-cookie|password|secret|token|apikey|api_key|jwt|content|data)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { message: value.message, name: value.name };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = REDACTED_KEYS.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

// Mutates `info` in place: winston keeps its level and message under symbol keys that must survive.
// The active span's ids tie a line to its trace (absent when nothing is traced).
const addContextAndRedact = winston.format((info) => {
  const { level: _level, message: _message, ...rest } = info;
  const fields = redact({ ...activeTraceIds(), ...currentLogContext(), ...rest }) as Record<string, unknown>;
  for (const key of Object.keys(rest)) delete info[key];
  return Object.assign(info, fields);
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  stream?: NodeJS.WritableStream;
}

// winston formats a line before its transports drop it for its level: check the level first,
// so that per-event debug lines cost nothing when debug is off.
function wrap(logger: winston.Logger, root = logger): Logger {
  return {
    error: (message, fields) => void logger.error(message, fields),
    warn: (message, fields) => void (logger.isWarnEnabled() && logger.warn(message, fields)),
    info: (message, fields) => void (logger.isInfoEnabled() && logger.info(message, fields)),
    debug: (message, fields) => void (logger.isDebugEnabled() && logger.debug(message, fields)),
    child: (fields) => wrap(logger.child(fields), root),
    close: () =>
      new Promise<void>((resolve) => {
        const transports = root.transports;
        let pending = transports.length;
        if (!pending) return resolve();
        for (const transport of transports) transport.once('finish', () => --pending === 0 && resolve());
        root.end();
      }).then(() => new Promise<void>((resolve) => process.stdout.write('', () => resolve()))),
  };
}

/** A winston logger writing one JSON object per line: timestamp, level, service, message, context. */
export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  return wrap(
    winston.createLogger({
      level: options.level ?? 'info',
      defaultMeta: { service: options.service },
      format: winston.format.combine(winston.format.timestamp(), addContextAndRedact(), winston.format.json()),
      transports: [transport],
    }),
  );
}

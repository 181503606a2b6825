/**
 * Configuration is read once, at a service's entry point, from the environment, and
 * passed down as plain values. Every problem is collected and reported together,
 * each naming its variable, and the service does not start.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Secrets that are fine on a laptop and never in production. */
export const DEVELOPMENT_SECRETS = new Set(['dev-secret-change-me', 'development', 'secret', 'changeme']);

export class EnvReader {
  readonly problems: string[] = [];
  constructor(readonly env: NodeJS.ProcessEnv = process.env) {}

  get production(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return fallback;
  }

  url(name: string, fallback: string | undefined, protocols: string[]): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got protocol "${parsed.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(values as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${values.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    return value === undefined ? fallback : value.split(',').map((item) => item.trim()).filter(Boolean);
  }

  /**
   * A secret. Outside production a development default may stand in; in production it
   * must be set, long enough, and not a known development value.
   */
  secret(name: string, { developmentDefault, minLength = 32 }: { developmentDefault?: string; minLength?: number } = {}): string {
    const value = this.raw(name);
    if (!this.production) return value ?? developmentDefault ?? this.missing(name);
    if (value === undefined) return this.missing(name);
    if (DEVELOPMENT_SECRETS.has(value) || value === developmentDefault) {
      this.problems.push(`${name} is a development secret; production refuses it`);
    } else if (value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters in production`);
    }
    return value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  private missing(name: string): string {
    this.problems.push(`${name} is required`);
    return '';
  }
}

/** Reads a service's configuration; throws ConfigError listing every problem. */
export function loadConfig<T>(read: (env: EnvReader) => T, env: NodeJS.ProcessEnv = process.env): T {
  const reader = new EnvReader(env);
  const config = read(reader);
  if (reader.problems.length) throw new ConfigError(reader.problems);
  return config;
}

/** Settings every service shares. */
export interface CommonConfig {
  serviceName: string;
  production: boolean;
  logLevel: string;
  databaseUrl: string;
  amqpUrl: string;
  eventStore: 'postgres' | 'esdb';
  eventStoreConnectionString: string | undefined;
  otlpEndpoint: string | undefined;
}

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dreamcatcher';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export function readCommonConfig(env: EnvReader, serviceName: string): CommonConfig {
  const eventStore = env.oneOf('EVENT_STORE', ['postgres', 'esdb'] as const, 'postgres');
  const eventStoreConnectionString = env.optional('EVENTSTORE_CONNECTION_STRING');
  if (eventStore === 'esdb' && !eventStoreConnectionString) {
    env.problem('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=esdb');
  }
  return {
    serviceName,
    production: env.production,
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    databaseUrl: env.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres', 'postgresql']),
    amqpUrl: env.url('AMQP_URL', DEFAULT_AMQP_URL, ['amqp', 'amqps']),
    eventStore,
    eventStoreConnectionString,
    otlpEndpoint: env.optional('OTEL_EXPORTER_OTLP_ENDPOINT'),
  };
}

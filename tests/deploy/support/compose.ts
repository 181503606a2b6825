/** docker-compose.yml as the tests see it: parsed with merge keys, app services picked out. */
import { readYaml } from './files.js';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean; interval?: string };
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  ports?: (string | number | Record<string, unknown>)[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export const COMPOSE_FILE = 'docker-compose.yml';

export function readCompose(): ComposeFile {
  return readYaml<ComposeFile>(COMPOSE_FILE);
}

/** The services built from the repository's Dockerfile: the Dreamcatcher processes. */
export function appServices(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, service]) => {
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    return build !== undefined && build.context === '.' && (build.dockerfile ?? 'Dockerfile') === 'Dockerfile';
  });
}

export function environmentOf(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    : Object.entries(service.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries);
}

export function dependencies(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((name) => [name, 'service_started']))
    : Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}

export function commandOf(service: ComposeService): string[] | undefined {
  return typeof service.command === 'string' ? service.command.split(/\s+/) : service.command;
}

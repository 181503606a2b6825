/** Reading the repository's deployment files the way the tools that consume them do. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export function readText(path: string): string {
  return readFileSync(repoPath(path), 'utf8');
}

export function exists(path: string): boolean {
  return existsSync(repoPath(path));
}

/** One YAML document; merge keys (`<<: *anchor`) resolved as docker-compose does. */
export function readYaml<T = Record<string, unknown>>(path: string): T {
  return parse(readText(path), { merge: true, prettyErrors: true }) as T;
}

/** Every document of a multi-document YAML file; throws on the first syntax error. */
export function readYamlDocuments(path: string): Record<string, unknown>[] {
  const documents = parseAllDocuments(readText(path), { prettyErrors: true });
  if (!Array.isArray(documents)) throw new Error(`${path}: not a YAML stream`);
  return documents.flatMap((document) => {
    if (document.errors.length) throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value = document.toJS() as Record<string, unknown> | null;
    return value ? [value] : [];
  });
}

/** Files below `dir` (relative to the repository), as repository-relative paths with `/`. */
export function filesUnder(dir: string, accept: (path: string) => boolean = () => true): string[] {
  const base = repoPath(dir);
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter(accept)
    .sort();
}

/** Parses a Kubernetes quantity such as `512Mi`, `1Gi`, `100m` or `"1"`. */
export function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity: ${value}`);
  const factor = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from './schema-files.js';

/** One operation of the HTTP API as the OpenAPI document declares it. */
export interface OpenApiOperation {
  /** Upper case: `GET`, `POST`, ... */
  method: string;
  /** OpenAPI path with `{param}` placeholders, e.g. `/api/v1/dreams/{id}/fragments/{fragmentId}`. */
  path: string;
  operationId: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

let bundled: Record<string, unknown> | undefined;

/**
 * The OpenAPI document bundled into one JSON object (schemas inlined under
 * `components.schemas`), as served at `GET /api/v1/openapi.json`. Returns a fresh copy, so
 * callers may change it (e.g. set `servers`).
 */
export function openApiDocument(): Record<string, unknown> {
  bundled ??= JSON.parse(readFileSync(new URL('bundle/openapi.json', PACKAGE_ROOT), 'utf8')) as Record<string, unknown>;
  return structuredClone(bundled);
}

/** Every operation of the OpenAPI document, sorted by path then method. */
export function openApiOperations(): OpenApiOperation[] {
  const paths = (openApiDocument().paths ?? {}) as Record<string, Record<string, { operationId?: string }>>;
  const operations: OpenApiOperation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) operations.push({ method: method.toUpperCase(), path, operationId: operation.operationId ?? '' });
    }
  }
  return operations.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** `/api/v1/dreams/{id}` -> `/api/v1/dreams/:id`, to compare with Express routes. */
export function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

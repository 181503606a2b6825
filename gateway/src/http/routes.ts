import type { RequestHandler, Router } from 'express';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One HTTP operation of the API. Routes are declared as data so that the OpenAPI drift
 * check compares the very list the app mounts with the document.
 */
export interface RouteSpec {
  method: Method;
  /** Express path below `/api/v1`, e.g. `/dreams/:id`. */
  path: string;
  handlers: RequestHandler[];
}

export const API_PREFIX = '/api/v1';

/** Mounts `routes` on `router`, stamping each request with its route template for logs and metrics. */
export function mountRoutes(router: Router, routes: readonly RouteSpec[], prefix = API_PREFIX): void {
  for (const route of routes) {
    const template = `${prefix}${route.path}`;
    const stamp: RequestHandler = (_req, res, next) => {
      res.locals.route = template;
      next();
    };
    router[route.method](route.path, stamp, ...route.handlers);
  }
}

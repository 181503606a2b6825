import { expect } from 'chai';
import { openApiDocument, openApiOperations } from '@dreamcatcher/contracts';
import { API_PREFIX } from './http/routes.js';
import { useGateway } from './testing/gateway-fixture.js';

const OPS_ROUTES = ['GET /health', 'GET /ready', 'GET /metrics'];
const A_UUID = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';

/** Whether the document gives the path servers of its own: the gateway's ops port. */
const onOpsPort = (path: string) => Boolean((openApiDocument().paths as Record<string, { servers?: unknown[] }>)[path]?.servers?.length);

/** `METHOD /path` with every path parameter written `{}`, so names do not matter. */
const operation = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}|:[A-Za-z]+/g, '{}')}`;

describe('gateway: OpenAPI document', () => {
  const gw = useGateway();

  const documented = () => openApiOperations().map((op) => operation(op.method, op.path)).sort();
  const served = () =>
    [...gw.running.gateway.routes.map((route) => operation(route.method, `${API_PREFIX}${route.path}`)), ...OPS_ROUTES.map((op) => operation(...(op.split(' ') as [string, string])))].sort();

  it('is served as JSON at /api/v1/openapi.json, without credentials', async () => {
    const reply = await gw.call('GET', '/openapi.json');
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.match(/application\/json/);
    expect(reply.body).to.deep.equal(openApiDocument());
  });

  it('documents every route the gateway serves', () => {
    const undocumented = served().filter((op) => !documented().includes(op));
    expect(undocumented, 'routes missing from contracts/openapi.yaml').to.deep.equal([]);
  });

  it('has a route for every documented operation', () => {
    const missing = documented().filter((op) => !served().includes(op));
    expect(missing, 'documented operations the gateway does not serve').to.deep.equal([]);
  });

  it('mounts every documented operation where the document says (no route_not_found)', async () => {
    const token = await gw.token('olive', ['user', 'auditor', 'admin', 'integration']);
    for (const op of openApiOperations()) {
      const path = op.path.replace(/\{[^}]+\}/g, A_UUID).replace(/^\/api\/v1/, '');
      // Operations with servers of their own (readiness, metrics) live on the ops port.
      const base = op.path.startsWith(API_PREFIX) ? `${gw.url}${API_PREFIX}` : onOpsPort(op.path) ? gw.opsUrl : gw.url;
      const url = `${base}${path}`;
      const abort = new AbortController();
      const res = await fetch(url, {
        method: op.method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(['POST', 'PUT', 'PATCH'].includes(op.method) && { body: '{}' }),
        signal: abort.signal,
      });
      // /live streams forever: its headers are the answer.
      const body = res.headers.get('content-type')?.includes('text/event-stream') ? undefined : await res.text();
      abort.abort();
      expect(body ?? '', `${op.method} ${op.path}`).to.not.contain('route_not_found');
    }
  });
});

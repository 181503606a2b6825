import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { responseContract, validateHttpResponse } from './http-responses.js';
import { PACKAGE_ROOT } from './schema-files.js';

const example = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(`examples/http/${name}.v1.json`, PACKAGE_ROOT), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const dreamId = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';
const json = { 'content-type': 'application/json; charset=utf-8', 'x-correlation-id': 'c-1' };
const commandHeaders = { ...json, etag: '"1"' };

describe('validateHttpResponse', () => {
  it('accepts an answer as the document describes it', () => {
    const detail = example('DreamDetail');
    expect(validateHttpResponse({ method: 'GET', path: `/api/v1/dreams/${dreamId}`, status: 200, headers: { ...json, etag: '"14"' }, body: detail })).to.deep.equal([]);
    const created = { ...commandHeaders, location: `/api/v1/dreams/${dreamId}` };
    expect(validateHttpResponse({ method: 'POST', path: '/api/v1/conversations/capture', status: 201, headers: new Headers(created), body: example('CommandAnswer') })).to.deep.equal([]);
  });

  it('finds the operation by its literal path before a templated one, ignoring the query string', () => {
    expect(responseContract('POST', '/api/v1/dreams/import', 201)?.operationId).to.equal('importDream');
    expect(responseContract('GET', '/api/v1/dreams/brand/bc-studio?limit=2', 200)?.operationId).to.equal('listDreamsOfBrand');
    expect(responseContract('GET', `/api/v1/dreams/${dreamId}/history?cursor=2`, 200)?.operationId).to.equal('getDreamHistory');
    expect(responseContract('DELETE', `/api/v1/admin/api-keys/${dreamId}`, 204)).to.include({ operationId: 'revokeApiKey', statusKey: '204' }).and.have.property('mediaTypes').that.deep.equals([]);
  });

  it('names a status or an operation the document does not list', () => {
    const [status] = validateHttpResponse({ method: 'GET', path: `/api/v1/audit/dreams/${dreamId}/verify`, status: 418, headers: json, body: {} });
    expect(status?.message).to.match(/^verifyDreamHistory \(GET \/api\/v1\/audit\/dreams\/\{id\}\/verify\) answered 418, which the OpenAPI document does not list/);
    const [operation] = validateHttpResponse({ method: 'PATCH', path: '/api/v1/brands', status: 200, body: {} });
    expect(operation).to.deep.equal({ path: '', message: 'PATCH /api/v1/brands is no operation of the OpenAPI document' });
  });

  it('locates every departure of the body under /body', () => {
    const detail = example('DreamDetail');
    detail.fragments[0].id = detail.fragments[0].fragmentId;
    delete detail.fragments[0].fragmentId;
    detail.implementation = { status: 'none' };
    const violations = validateHttpResponse({ method: 'GET', path: `/api/v1/dreams/${dreamId}`, status: 200, headers: { ...json, etag: '"14"' }, body: detail });
    expect(violations).to.deep.include.members([
      { path: '/body/fragments/0/fragmentId', message: "must have required property 'fragmentId'" },
      { path: '/body/fragments/0/id', message: 'is not allowed' },
      { path: '/body/implementation/status', message: 'must be one of: requested, completed' },
    ]);
  });

  it('checks documented headers: required ones present, every one on its schema', () => {
    const headers = { 'content-type': 'application/json', 'idempotent-replayed': 'yes' };
    const violations = validateHttpResponse({ method: 'PUT', path: `/api/v1/dreams/${dreamId}/status`, status: 200, headers, body: example('CommandAnswer') });
    expect(violations).to.deep.equal([
      { path: '/headers/ETag', message: 'is required by the OpenAPI document but missing' },
      { path: '/headers/X-Correlation-Id', message: 'is required by the OpenAPI document but missing' },
      { path: '/headers/Idempotent-Replayed', message: 'must be one of: true' },
    ]);
    const limited = validateHttpResponse({ method: 'GET', path: '/api/v1/brands', status: 429, headers: { ...json, 'retry-after': 'soon' }, body: { error: { code: 'rate_limited', message: 'Slow down' } } });
    expect(limited).to.deep.equal([{ path: '/headers/Retry-After', message: 'must be an integer' }]);
  });

  it('refuses a body where none is documented, and a media type that is not', () => {
    const path = `/api/v1/admin/api-keys/${dreamId}`;
    expect(validateHttpResponse({ method: 'DELETE', path, status: 204, headers: { 'x-correlation-id': 'c' }, body: {} })).to.deep.equal([
      { path: '/body', message: 'must be empty (revokeApiKey documents no body for 204)' },
    ]);
    expect(validateHttpResponse({ method: 'GET', path: '/api/v1/sync/status', status: 200, headers: { ...json, 'content-type': 'text/html' }, body: '<p>' })).to.deep.equal([
      { path: '/headers/Content-Type', message: 'must be one of: application/json' },
    ]);
    expect(validateHttpResponse({ method: 'GET', path: '/metrics', status: 200, headers: { 'content-type': 'text/plain; version=0.0.4' }, body: 'up 1' })).to.deep.equal([]);
  });
});

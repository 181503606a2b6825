import { expect } from 'chai';
import type { Request } from 'express';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { QueryReader } from './query-params.js';

const reader = (query: Record<string, unknown>) => new QueryReader({ query } as unknown as Request);

describe('gateway: query parameters', () => {
  it('refuses NUL, which PostgreSQL cannot take as text, and passes any other text', () => {
    const bad = reader({ q: 'habit\u0000', tag: 'ok' });
    bad.string('q');
    bad.string('tag');
    expect(() => bad.done()).to.throw(ValidationError).with.property('details').that.deep.equals({ violations: [{ path: '/query/q', message: 'must not contain NUL characters' }] });
    const good = reader({ q: "'; DROP TABLE read_models.dream_summary; -- 🙂 \u202eشكرا" });
    expect(good.string('q')).to.equal("'; DROP TABLE read_models.dream_summary; -- 🙂 \u202eشكرا");
    expect(() => good.done()).to.not.throw();
  });

  it('lists every problem together: repeated, too long, out of range', () => {
    const query = reader({ limit: ['1', '2'], q: 'x'.repeat(201), cursor: '5' });
    query.int('limit', { fallback: 20, min: 1, max: 100 });
    query.string('q', { max: 200 });
    query.position('cursor');
    expect(() => query.done()).to.throw(ValidationError).with.nested.property('details.violations').that.has.length(2);
  });
});

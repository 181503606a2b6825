import { expect } from 'chai';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { decodeCursor, encodeCursor } from './cursor.js';

const ID = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';
const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('dream list cursors', () => {
  it('round-trip what the query writes: to_json of a timestamptz and the dream id', () => {
    for (const updatedAt of ['2025-03-14T09:26:53.123456+00:00', '2025-03-14T09:26:53+02:00', '2025-12-31T23:59:59.5Z']) {
      expect(decodeCursor(encodeCursor({ updatedAt, id: ID }))).to.deep.equal({ updatedAt, id: ID });
    }
  });

  it('refuse, as a 400, forged timestamps that JavaScript reads and PostgreSQL does not', () => {
    for (const updatedAt of ['1', '0', 'June 31 2020', 'Tue Mar 01 2022', '2020-02-30T00:00:00Z', '2021-02-29T00:00:00Z', '0000-01-01T00:00:00Z', '2020-01-01T24:00:00Z', '2020-01-01 10:00:00+00', '2020-01-01T10:00:00\u0000']) {
      expect(() => decodeCursor(forged([updatedAt, ID])), updatedAt).to.throw(ValidationError);
    }
    expect(decodeCursor(forged(['2024-02-29T00:00:00Z', ID])).updatedAt).to.equal('2024-02-29T00:00:00Z');
  });

  it('refuse anything else that is not a cursor', () => {
    for (const text of ['', 'not-a-cursor', forged({ updatedAt: '2025-03-14T09:26:53Z', id: ID }), forged(['2025-03-14T09:26:53Z', "1' OR '1'='1"]), forged(['2025-03-14T09:26:53Z'])]) {
      expect(() => decodeCursor(text), text).to.throw(ValidationError);
    }
  });
});

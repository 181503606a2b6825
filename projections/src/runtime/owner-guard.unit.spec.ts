import { expect } from 'chai';
import { canonicalSpelling, ForeignStreamError, refuseForeignStreams, spellingsToCheck } from './owner-guard.js';

const ID = '15616e1b-2f7c-4a8e-9d3b-0c1d2e3f4a5b';
const CANONICAL = `dream-${ID}`;
const UPPER = `dream-${ID.toUpperCase()}`;

describe('owner guard', () => {
  it('names the canonical stream of a dream stream spelt otherwise, and nothing for others', () => {
    expect(canonicalSpelling(UPPER)).to.equal(CANONICAL);
    expect(canonicalSpelling(CANONICAL)).to.equal(undefined);
    expect(canonicalSpelling('user-Alice')).to.equal(undefined);
    expect(spellingsToCheck([UPPER, CANONICAL, 'user-x'])).to.deep.equal([CANONICAL]);
  });

  it('refuses another spelling once the canonical stream is projected or in the batch', () => {
    expect(() => refuseForeignStreams([UPPER], new Map([[CANONICAL, 3n]]))).to.throw(ForeignStreamError, /holds/);
    expect(() => refuseForeignStreams([CANONICAL, UPPER], new Map())).to.throw(ForeignStreamError);
  });

  it('lets the canonical stream, and a lone other spelling (history from before ids were canonical), through', () => {
    expect(() => refuseForeignStreams([CANONICAL], new Map([[CANONICAL, 3n]]))).not.to.throw();
    expect(() => refuseForeignStreams([UPPER], new Map([[UPPER, 0n]]))).not.to.throw();
  });
});

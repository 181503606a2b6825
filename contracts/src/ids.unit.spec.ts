import { expect } from 'chai';
import { canonicalId, canonicalIds, isCanonicalUuid, isUserId, isUuid, userIdProblem } from './ids.js';

const LOWER = '15616e1b-2f7c-4a8e-9d3b-0c1d2e3f4a5b';
const UPPER = LOWER.toUpperCase();

describe('ids', () => {
  it('accepts a UUID in either case and makes it lower case', () => {
    expect(isUuid(UPPER)).to.equal(true);
    expect(isCanonicalUuid(UPPER)).to.equal(false);
    expect(isCanonicalUuid(LOWER)).to.equal(true);
    expect(canonicalId(UPPER)).to.equal(LOWER);
  });

  it('leaves what is not a UUID as it is, for validation to report', () => {
    expect(isUuid('not-a-uuid')).to.equal(false);
    expect(canonicalId('ABC')).to.equal('ABC');
    expect(canonicalId(42)).to.equal(42);
  });

  it('makes every id field canonical at any depth, and nothing else', () => {
    const data = {
      dreamId: UPPER,
      dream: { id: UPPER, title: UPPER, todos: [{ todoId: UPPER, title: 'x' }] },
      fragment: { fragmentId: UPPER, content: UPPER },
      pipelineosProjectId: 'PROJECT-7',
    };
    expect(canonicalIds(data)).to.deep.equal({
      dreamId: LOWER,
      dream: { id: LOWER, title: UPPER, todos: [{ todoId: LOWER, title: 'x' }] },
      fragment: { fragmentId: LOWER, content: UPPER },
      pipelineosProjectId: 'PROJECT-7',
    });
  });

  describe('user ids', () => {
    it('accepts ordinary subjects, including non-BMP characters', () => {
      for (const id of ['alice', 'auth0|5f7c', 'user@example.com', 'mallory\ufffd', 'emoji-\ud83d\ude00']) expect(isUserId(id), id).to.equal(true);
    });

    it('refuses what a store cannot keep as given', () => {
      const refused = ['', ' ', 'a\u0000b', 'mallory\ud800', 'x\udc00y', 'tab\there', 'del\u007f', 'c1\u0085', 'x'.repeat(201)];
      for (const id of refused) expect(userIdProblem(id), JSON.stringify(id)).to.be.a('string');
      expect(isUserId(42)).to.equal(false);
      expect(isUserId('x'.repeat(200))).to.equal(true);
    });
  });
});

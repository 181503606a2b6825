import { expect } from 'chai';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { formatPosition, parsePosition } from './wire.js';

describe('positions on the wire', () => {
  it('round-trips 64-bit values exactly as decimal strings', () => {
    for (const value of [0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]) {
      expect(formatPosition(value)).to.equal(value.toString());
      expect(parsePosition(formatPosition(value))).to.equal(value);
    }
  });

  it('accepts -1 where the caller allows it (a revision of no stream)', () => {
    expect(parsePosition('-1', 'revision', -1n)).to.equal(-1n);
  });

  for (const bad of ['', 'abc', '1.5', '1e3', '01', '-1', '9223372036854775808', '0x10', ' ']) {
    it(`refuses "${bad}" with a ValidationError naming the field`, () => {
      const error = (() => {
        try {
          parsePosition(bad, 'after');
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).violations[0]!.path).to.equal('/after');
    });
  }
});

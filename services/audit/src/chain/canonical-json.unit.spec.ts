import { expect } from 'chai';
import { canonicalJson } from './canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it('writes the RFC 8785 example (section 3.2.2) byte for byte', () => {
    // The input as the RFC spells it, parsed: key order, spacing and number spelling vanish.
    const input = JSON.parse(`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).to.equal(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units, as the RFC\'s sorting example (section 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // JSON.parse would put the integer-like key first again, so look at the written text.
    const written = canonicalJson(input);
    const positions = ['\\r', '"1"', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((key) => written.indexOf(key));
    expect(positions.every((position) => position >= 0)).to.equal(true);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
  });

  it('spells numbers as ECMAScript does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-1.5e-7, '-1.5e-7'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value), String(value)).to.equal(text);
  });

  it('is the same for the same value whatever the key order or nesting', () => {
    const a = { b: [1, { y: 2, x: 1 }], a: 'x', c: { e: null, d: true } };
    const b = { c: { d: true, e: null }, a: 'x', b: [1, { x: 1, y: 2 }] };
    expect(canonicalJson(a)).to.equal(canonicalJson(b));
    expect(canonicalJson(a)).to.equal('{"a":"x","b":[1,{"x":1,"y":2}],"c":{"d":true,"e":null}}');
  });

  it('drops undefined members, as JSON does, and escapes control characters in lowercase hex', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).to.equal('{"b":1}');
    expect(canonicalJson('\u0001\u001f\t\b\f')).to.equal('"\\u0001\\u001f\\t\\b\\f"');
  });

  it('refuses what has no JSON form', () => {
    for (const value of [NaN, Infinity, 1n, undefined, () => 1, Symbol('s'), new Date(0), new Map(), '\ud800', { a: '\udc00x' }, [1, [Infinity]]]) {
      expect(() => canonicalJson(value), String(typeof value)).to.throw(TypeError);
    }
    expect(() => canonicalJson({ deep: [{ bad: NaN }] })).to.throw(TypeError, '/deep/0/bad');
  });

  it('accepts objects without a prototype and well-formed surrogate pairs', () => {
    const bare = Object.assign(Object.create(null) as object, { z: 1, a: '😀' });
    expect(canonicalJson(bare)).to.equal('{"a":"😀","z":1}');
  });
});

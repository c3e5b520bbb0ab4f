import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalJson, sha256Hex } from './canonical-json.js';

// Any code point, lone surrogates included (fast-check's 'binary' unit costs a second to set up).
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint));

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalJson', () => {
  it('agrees with the canonicalize reference implementation on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the reference on full-Unicode keys and strings', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: anyCodePoint, maxDepth: 2 }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 100 },
    );
  });

  it('parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 100 },
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('puts a surrogate pair (U+1F600) before U+FB33, unlike code point order', () => {
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2 })).toBe('{"\ud83d\ude00":2,"\ufb33":1}');
  });

  it('writes the RFC 8785 §3.2.2 example', () => {
    const input = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it.each([
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [-0, '0'],
    [0, '0'],
    [5e-324, '5e-324'],
    [-5e-324, '-5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'],
    [295147905179352830000, '295147905179352830000'],
    [fromBits('44b52d02c7e14af5'), '9.999999999999997e+22'],
    [fromBits('44b52d02c7e14af6'), '1e+23'],
    [fromBits('3eb0c6f7a0b5ed8c'), '9.999999999999997e-7'],
    [fromBits('3eb0c6f7a0b5ed8d'), '0.000001'],
  ])('writes the number %s as %s (RFC 8785 appendix B)', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s', (value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
    expect(() => canonicalJson({ nested: [value] })).toThrow(TypeError);
  });

  it('refuses values JSON cannot hold instead of dropping them', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson([Symbol('s')])).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });

  it('omits undefined members, writes undefined items as null, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [3, undefined, 1] })).toBe('{"b":1,"c":[3,null,1]}');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('honours toJSON like JSON.stringify (a Date becomes its ISO string)', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 vectors', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes the UTF-8 bytes of non-ASCII text', async () => {
    // sha256 of the two bytes c3 a9 ("é").
    const viaBytes = await crypto.subtle.digest('SHA-256', new Uint8Array([0xc3, 0xa9]));
    const hex = Array.from(new Uint8Array(viaBytes), (b) => b.toString(16).padStart(2, '0')).join('');
    expect(await sha256Hex('é')).toBe(hex);
  });
});

describe('canonicalJson on deep values', () => {
  // A recursive writer throws RangeError (call stack) long before this depth.
  it('writes an array nested 100,000 levels deep without running out of stack', () => {
    let value: unknown = [];
    for (let i = 0; i < 99_999; i++) value = [value];
    const text = canonicalJson(value);
    expect(text).toBe(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  });

  it('writes objects nested 100,000 levels deep, and still finds a cycle at the bottom', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100_000; i++) {
      const child: Record<string, unknown> = {};
      node['b'] = child;
      node['a'] = i;
      node = child;
    }
    const text = canonicalJson(root);
    expect(text.startsWith('{"a":0,"b":{"a":1,"b":')).toBe(true);
    expect(text.endsWith('{}' + '}'.repeat(100_000))).toBe(true);
    node['loop'] = root;
    expect(() => canonicalJson(root)).toThrow(TypeError);
  });
});

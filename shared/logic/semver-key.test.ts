import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SemVer } from '../domain/primitives.js';
import { semverSortKey } from './semver-key.js';

/** semver.org §11, written out plainly: the reference the keys must agree with. */
function precedence(a: string, b: string): number {
  const split = (v: string) => {
    const [main = '', ...pre] = v.split('+')[0]!.split(/-(.*)/s);
    return { core: main.split('.').map(BigInt), pre: pre[0] === undefined ? [] : pre[0].split('.') };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! < y.core[i]! ? -1 : 1;
  if (x.pre.length === 0 || y.pre.length === 0) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pNum = /^\d+$/.test(p);
    const qNum = /^\d+$/.test(q);
    if (pNum && qNum && BigInt(p) !== BigInt(q)) return BigInt(p) < BigInt(q) ? -1 : 1;
    if (pNum !== qNum) return pNum ? -1 : 1;
    if (!pNum && p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

// Keys are ASCII, where UTF-16 order (JavaScript's <) is byte order (the databases').
const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const number = fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String));
const identifier = fc.oneof(number, fc.stringMatching(/^[0-9A-Za-z-]{1,6}$/).filter((s) => !/^\d+$/.test(s) || !/^0\d/.test(s)));
const version = fc
  .tuple(number, number, number, fc.array(identifier, { maxLength: 3 }), fc.option(fc.stringMatching(/^[0-9A-Za-z-]{1,5}$/)))
  .map(([major, minor, patch, pre, build]) => `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`)
  .filter((v) => SemVer.safeParse(v).success);

describe('semverSortKey', () => {
  it('orders by byte comparison exactly as semantic-version precedence', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(bytes(semverSortKey(a), semverSortKey(b))).toBe(precedence(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('ranks the spec example in order', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', '2.0.0'];
    expect([...ordered].reverse().sort((a, b) => bytes(semverSortKey(a), semverSortKey(b)))).toEqual(ordered);
  });
});

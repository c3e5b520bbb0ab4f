import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundedJsonObject, JSON_MAX_DEPTH, JsonValue, inspectJson } from './json.js';

const nested = (levels: number): unknown => {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
};

describe('inspectJson', () => {
  it('measures depth (the outermost container is level 1) and accepts any JSON value', () => {
    expect(inspectJson(1)).toEqual({ ok: true, depth: 0 });
    expect(inspectJson({})).toEqual({ ok: true, depth: 1 });
    expect(inspectJson({ a: [1, { b: [] }] })).toEqual({ ok: true, depth: 4 });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(inspectJson(value).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what JSON cannot hold, naming where', () => {
    expect(inspectJson({ a: [1, Number.NaN] })).toEqual({ ok: false, message: 'numbers must be finite', path: ['a', 1] });
    expect(inspectJson({ d: new Date(0) })).toMatchObject({ ok: false, path: ['d'] });
    expect(inspectJson({ f: () => 1 })).toMatchObject({ ok: false, path: ['f'] });
  });

  it('walks 200,000 levels without recursion and stops at the bound', () => {
    let value: unknown = [];
    for (let i = 1; i < 200_000; i++) value = [value];
    expect(inspectJson(value)).toEqual({ ok: true, depth: 200_000 });
    const bounded = inspectJson(value, JSON_MAX_DEPTH);
    expect(bounded.ok).toBe(false);
    expect(!bounded.ok && bounded.path.length).toBe(JSON_MAX_DEPTH);
  });
});

describe('BoundedJsonObject', () => {
  it(`takes ${JSON_MAX_DEPTH} levels, refuses one more, and refuses oversized JSON`, () => {
    const schema = BoundedJsonObject(1024);
    expect(schema.safeParse(nested(JSON_MAX_DEPTH)).success).toBe(true);
    const deeper = schema.safeParse(nested(JSON_MAX_DEPTH + 1));
    expect(deeper.success).toBe(false);
    expect(deeper.error?.issues[0]?.message).toMatch(/nested deeper than 32 levels/);
    expect(schema.safeParse({ text: 'x'.repeat(2000) }).success).toBe(false);
    expect(schema.safeParse([]).success).toBe(false);
  });

  it('reads back deeper rows when the read side lifts the bound', () => {
    expect(BoundedJsonObject(1024 * 1024, Number.POSITIVE_INFINITY).safeParse(nested(1500)).success).toBe(true);
    expect(JsonValue.safeParse(nested(1500)).success).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FreeText, unstorableText } from './primitives.js';

describe('FreeText', () => {
  it('accepts any well-formed text without NUL, unchanged but for trimming', () => {
    const unit = fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 50 }), (text) => {
        expect(FreeText(1000).parse(text)).toBe(text.trim());
      }),
      { numRuns: 300 },
    );
  });

  it('refuses NUL and lone surrogates, saying where', () => {
    expect(unstorableText('a\u0000b')).toMatch(/NUL .* position 1/);
    expect(unstorableText('x\ud800')).toMatch(/lone UTF-16 surrogate at position 1/);
    expect(unstorableText('\udc00x')).toMatch(/lone UTF-16 surrogate at position 0/);
    expect(unstorableText('\ud83d\ude00')).toBeNull();
    expect(FreeText(10).safeParse('ok\u0000').success).toBe(false);
  });
});

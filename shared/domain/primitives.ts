// Wire-level building blocks shared by every domain object: ids, versions,
// timestamps and bounded JSON. Every string has a length cap so no input can
// make a boundary allocate without limit.
import { z } from 'zod';

/** Model ids are URL-safe slugs: they appear in paths and in audit targets. */
export const ModelId = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be a lowercase slug (a-z, 0-9, -), at most 64 characters');
export type ModelId = z.infer<typeof ModelId>;

// semver.org's recommended expression (2.0.0), anchored.
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const SemVer = z.string().max(128).regex(SEMVER_PATTERN, 'must be a semantic version such as 1.4.0');
export type SemVer = z.infer<typeof SemVer>;

export const Username = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{1,31}$/, 'must be 2-32 characters: lowercase letters, digits, . _ -');
export type Username = z.infer<typeof Username>;

/** ISO-8601 instant with an offset, as the BFF writes them (UTC, ms). */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

/** Calendar date (YYYY-MM-DD), e.g. a support end date. */
export const CalendarDate = z.iso.date();

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be a sha256 digest: 64 hexadecimal characters')
  // overwrite, not transform: fastify-type-provider-zod 7 serializes responses with
  // z.encode, which throws on a one-way transform anywhere in the response schema.
  .overwrite((s) => s.toLowerCase());

/**
 * Why `text` would not read back exactly as sent, or null. NUL ends a string
 * in SQLite's C API (it read back cut at the NUL), and a lone UTF-16 surrogate
 * has no UTF-8 form (it read back as U+FFFD): such text is refused, never
 * quietly changed.
 */
export function unstorableText(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return `contains a NUL character (U+0000) at position ${i}`;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `contains a lone UTF-16 surrogate at position ${i}`;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return `contains a lone UTF-16 surrogate at position ${i}`;
  }
  return null;
}

/**
 * Text a person typed (names, owners, justifications, comments, notes, search
 * terms): every free-text input field is one of these. Surrounding whitespace
 * is trimmed; NUL and lone surrogates are refused with the reason.
 */
export const FreeText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .superRefine((text, ctx) => {
      const problem = unstorableText(text);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: text must be valid Unicode without NUL` });
    });

export { BoundedJsonObject, JSON_MAX_DEPTH, JsonValue } from './json.js';

/** Opaque pagination cursor handed back by list endpoints. */
export const Cursor = z.string().max(512).regex(/^[A-Za-z0-9_-]+$/, 'not a cursor returned by this server');

export const PageLimit = z.coerce.number().int().min(1).max(500).default(50);

// Scrubs secrets out of anything about to be logged or shown: by key name
// (password, token, ...) and by shape (Bearer headers, JWTs), whoever wrote it.

const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|totp|credential|api[-_]?key/i;
export const REDACTED = '[redacted]';

/** Text with every secret-looking part replaced. */
export function redactText(text: string): string {
  return (
    text
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, (_match, scheme: string) => `${scheme} ${REDACTED}`)
      // JWTs and JWT-like tokens: three base64url segments.
      .replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\b/g, REDACTED)
      // password=..., "token": "..." in free text (URLs, error messages); the key stays so the line still says what was there.
      .replace(
        /\b(password|passwd|pwd|totp|token|refresh_token|access_token|step_up_token|secret)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
        (_match, key: string, separator: string) => `${key}${separator}${REDACTED}`,
      )
  );
}

/** A deep copy of `value` safe to log; cycles and depth are bounded. */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (seen.has(value)) return '[cycle]';
  if (depth > 8) return '[deep]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return out;
}

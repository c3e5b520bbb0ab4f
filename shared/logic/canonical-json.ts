// RFC 8785 (JCS) canonical JSON and SHA-256, so that every side (BFF, main
// process, renderer, offline verifiers) hashes and signs the same bytes.

/**
 * Serializes `value` as RFC 8785 canonical JSON: members sorted by the UTF-16
 * code units of their names, no whitespace, ECMAScript number form.
 *
 * It follows JSON.stringify wherever JSON.stringify is already canonical
 * (`toJSON` is honoured, `undefined` members are omitted, `undefined` array
 * items become null), but throws a TypeError instead of silently writing
 * something else for values JSON cannot hold: NaN and ±Infinity (which
 * JSON.stringify turns into null), bigints, functions, symbols and cycles.
 * A hash over quietly altered data would verify data that was never there.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError('canonicalJson: undefined is not JSON');
  return serialize(value, []);
}

function serialize(value: unknown, ancestors: object[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${String(value)} is not a JSON number`);
      // ECMAScript's Number::toString is the number form RFC 8785 prescribes (-0 prints as 0).
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }

  const object = value as Record<string, unknown> & { toJSON?: unknown };
  if (typeof object.toJSON === 'function') {
    const replacement: unknown = (object.toJSON as () => unknown)();
    if (replacement === undefined) throw new TypeError('canonicalJson: toJSON() returned undefined');
    return serialize(replacement, ancestors);
  }
  if (ancestors.includes(object)) throw new TypeError('canonicalJson: the value contains a cycle');
  ancestors.push(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((item: unknown) => (item === undefined ? 'null' : serialize(item, ancestors))).join(',')}]`;
  } else {
    const members: string[] = [];
    // Default sort compares UTF-16 code units, which is exactly the order RFC 8785 §3.2.3 asks for.
    for (const key of Object.keys(object).sort()) {
      const member = object[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${serialize(member, ancestors)}`);
    }
    text = `{${members.join(',')}}`;
  }
  ancestors.pop();
  return text;
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`, via WebCrypto (Node 20 and browsers alike). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

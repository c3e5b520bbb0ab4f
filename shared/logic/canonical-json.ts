// RFC 8785 (JCS) canonical JSON and SHA-256, so that every side (BFF, main
// process, renderer, offline verifiers) hashes and signs the same bytes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

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
  return serialize(value);
}

/** A container being written: its remaining members, and what comes before the next one. */
interface Frame {
  container: object;
  /** Member names still to write (objects), sorted; null for arrays. */
  keys: string[] | null;
  items: readonly unknown[] | null;
  index: number;
  /** Nothing written yet (no comma needed). */
  first: boolean;
}

function scalar(value: unknown): string | null {
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
      return null;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

// Iterative, with an explicit stack of open containers: values come from
// clients (version metadata in an Idempotency-Key hash, reports), and a
// recursive writer runs out of call stack at a few thousand levels.
function serialize(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  // The containers on the stack are exactly the ancestors of the next value.
  const open = new Set<object>();

  // Writes a scalar, or opens a container (pushing its frame).
  const write = (input: unknown): void => {
    let value = input;
    for (;;) {
      const text = scalar(value);
      if (text !== null) {
        out.push(text);
        return;
      }
      const object = value as Record<string, unknown> & { toJSON?: unknown };
      if (typeof object.toJSON !== 'function') break;
      value = (object.toJSON as () => unknown)();
      if (value === undefined) throw new TypeError('canonicalJson: toJSON() returned undefined');
    }
    const container = value as object;
    if (open.has(container)) throw new TypeError('canonicalJson: the value contains a cycle');
    open.add(container);
    if (Array.isArray(container)) {
      out.push('[');
      stack.push({ container, keys: null, items: container, index: 0, first: true });
    } else {
      out.push('{');
      // Default sort compares UTF-16 code units, which is exactly the order RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(container).sort();
      stack.push({ container, keys, items: null, index: 0, first: true });
    }
  };

  write(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.items) {
      if (frame.index >= frame.items.length) {
        out.push(']');
        open.delete(frame.container);
        stack.pop();
        continue;
      }
      const item = frame.items[frame.index++];
      if (!frame.first) out.push(',');
      frame.first = false;
      if (item === undefined) out.push('null');
      else write(item);
      continue;
    }
    const keys = frame.keys!;
    if (frame.index >= keys.length) {
      out.push('}');
      open.delete(frame.container);
      stack.pop();
      continue;
    }
    const key = keys[frame.index++]!;
    const member = (frame.container as Record<string, unknown>)[key];
    if (member === undefined) continue;
    if (!frame.first) out.push(',');
    frame.first = false;
    out.push(`${JSON.stringify(key)}:`);
    write(member);
  }
  return out.join('');
}

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of `text`. Pure JS and synchronous inside
 * (@noble/hashes, as key-id.ts): WebCrypto's digest is a thread-pool round trip per
 * call, which made the demo seed's 126 audit entries and the audit chain's check at
 * every start cost 10-20 ms (issue 12, local mode's start). Still a Promise for callers.
 */
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

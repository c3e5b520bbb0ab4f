// Structural equality of JSON-like values (what crosses IPC: no Dates, Maps or cycles).
// Lets a store keep the object it already holds when an answer repeats it, so that
// memoized components that receive it are not rendered again.

/** Whether `a` and `b` hold the same JSON value (key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) if (!Object.hasOwn(right, key) || !sameJson(left[key], right[key])) return false;
  return true;
}

/**
 * `next`, with each item that equals the item at the same position of `previous` (same key,
 * same value) replaced by the previous object; `next` itself when nothing was kept. Position,
 * not key alone: a virtualized table renders by position, so an equal row that moved is drawn
 * again anyway, and comparing in place needs no index of `previous`.
 */
export function keepUnchanged<T>(previous: readonly T[], next: T[], keyOf: (item: T) => string): T[] {
  const n = Math.min(previous.length, next.length);
  let result: T[] | null = null;
  for (let i = 0; i < n; i++) {
    const old = previous[i]!;
    const item = next[i]!;
    if (keyOf(old) !== keyOf(item) || !sameJson(old, item)) continue;
    result ??= next.slice();
    result[i] = old;
  }
  return result ?? next;
}

// Free JSON (version metadata, audit details) as a schema, checked by one
// iterative walk: a recursive validator (zod's z.lazy) or serializer runs out
// of stack on a value nested a few thousand levels deep, which a 1 MiB body
// easily holds. No walk over client-supplied JSON may recurse on its data.
import { z } from 'zod';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting of objects and arrays accepted from a client (the outermost container is level 1). */
export const JSON_MAX_DEPTH = 32;

export type JsonInspection =
  | { ok: true; depth: number }
  | { ok: false; message: string; path: (string | number)[] };

interface Pending {
  value: unknown;
  depth: number;
  /** The container holding this value, for building the path of a problem only. */
  parent: Pending | null;
  key: string | number | null;
}

function pathOf(item: Pending): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Pending | null = item; at !== null && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Checks, without recursion, that `value` is plain JSON (null, booleans,
 * finite numbers, strings, arrays, plain objects) nested at most `maxDepth`
 * levels. The path is built only for the problem found, so the walk costs
 * one small record per value.
 */
export function inspectJson(value: unknown, maxDepth: number = Number.POSITIVE_INFINITY): JsonInspection {
  const stack: Pending[] = [{ value, depth: 0, parent: null, key: null }];
  let deepest = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    const node = item.value;
    if (node === null || typeof node === 'string' || typeof node === 'boolean') continue;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) return { ok: false, message: 'numbers must be finite', path: pathOf(item) };
      continue;
    }
    if (typeof node !== 'object') return { ok: false, message: `a ${typeof node} is not JSON`, path: pathOf(item) };
    const depth = item.depth + 1;
    if (depth > maxDepth) {
      return { ok: false, message: `nested deeper than ${maxDepth} levels of objects and arrays`, path: pathOf(item) };
    }
    if (depth > deepest) deepest = depth;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], depth, parent: item, key: i });
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(node);
    if (prototype !== Object.prototype && prototype !== null) return { ok: false, message: 'only plain objects are JSON', path: pathOf(item) };
    const keys = Object.keys(node);
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ value: (node as Record<string, unknown>)[keys[i]!], depth, parent: item, key: keys[i]! });
    }
  }
  return { ok: true, depth: deepest };
}

/** UTF-8 byte length of a string, without Node's Buffer. */
function utf8ByteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function refineJson(maxDepth: number, maxBytes: number | undefined) {
  return (value: unknown, ctx: z.RefinementCtx): void => {
    const inspection = inspectJson(value, maxDepth);
    if (!inspection.ok) {
      ctx.addIssue({ code: 'custom', message: `not accepted JSON: ${inspection.message}`, path: inspection.path });
      return;
    }
    if (maxBytes === undefined) return;
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      // Only reachable on the read side (no depth bound): a value deeper than V8's serializer goes.
      ctx.addIssue({ code: 'custom', message: 'not accepted JSON: too deeply nested to serialize' });
      return;
    }
    if (utf8ByteLength(text) > maxBytes) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${Math.round(maxBytes / 1024)} KiB of JSON` });
    }
  };
}

/**
 * Any JSON value, checked iteratively. `maxDepth` bounds nesting (default:
 * none — for reading back what a server once stored; inputs pass JSON_MAX_DEPTH).
 */
export const jsonValueSchema = (maxDepth: number = Number.POSITIVE_INFINITY): z.ZodType<JsonValue> =>
  z
    .unknown()
    .superRefine(refineJson(maxDepth, undefined))
    .meta({ description: 'any JSON value' }) as unknown as z.ZodType<JsonValue>;

/**
 * A JSON object whose serialized form stays under `maxBytes` and whose nesting
 * stays within `maxDepth` (the object itself is level 1). Read-side schemas pass
 * Infinity so that rows stored before the bound existed stay readable.
 */
export const BoundedJsonObject = (maxBytes: number, maxDepth: number = JSON_MAX_DEPTH) =>
  z
    .record(z.string(), z.unknown())
    .superRefine(refineJson(maxDepth, maxBytes))
    .meta({
      description:
        `a JSON object of at most ${Math.round(maxBytes / 1024)} KiB` +
        (Number.isFinite(maxDepth) ? `, nested at most ${maxDepth} levels deep` : ''),
    }) as unknown as z.ZodType<Record<string, JsonValue>, Record<string, JsonValue>>;

/** Any JSON value, any depth (read side: what the server wrote). */
export const JsonValue = jsonValueSchema();

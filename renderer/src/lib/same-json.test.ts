import { describe, expect, it } from 'vitest';
import { keepUnchanged, sameJson } from './same-json.js';

describe('sameJson', () => {
  it('compares JSON values structurally, ignoring key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson({ deep: { list: ['x'] } }, { deep: { list: ['y'] } })).toBe(false);
  });
});

describe('keepUnchanged', () => {
  const row = (id: string, phase: string) => ({ id, deployment: { phase } });
  const id = (item: { id: string }) => item.id;

  it('keeps the previous object where the same row is unchanged at the same position', () => {
    const previous = [row('a', 'idle'), row('b', 'idle'), row('c', 'idle')];
    const next = [row('a', 'idle'), row('b', 'canary'), row('d', 'idle')];
    const kept = keepUnchanged(previous, next, id);
    expect(kept[0]).toBe(previous[0]);
    expect(kept[1]).toBe(next[1]);
    expect(kept[2]).toBe(next[2]);
    expect(kept).toEqual(next);
  });

  it('returns the new array itself when nothing is kept (a row that moved is not kept)', () => {
    const previous = [row('a', 'idle'), row('b', 'idle')];
    const next = [row('b', 'idle'), row('a', 'idle')];
    expect(keepUnchanged(previous, next, id)).toBe(next);
    expect(keepUnchanged([], next, id)).toBe(next);
  });
});

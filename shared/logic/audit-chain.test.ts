import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AUDIT_GENESIS_HASH, AuditEntry } from '../domain/audit.js';
import type { JsonValue } from '../domain/primitives.js';
import { auditHash, verifyChain } from './audit-chain.js';

type Content = Pick<AuditEntry, 'actor' | 'action' | 'target' | 'details'>;

async function chainOf(contents: Content[]): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let prev = AUDIT_GENESIS_HASH;
  for (const [i, content] of contents.entries()) {
    const unsigned = { seq: i + 1, at: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(), ...content, prev_hash: prev };
    const entry = { ...unsigned, hash: await auditHash(unsigned) };
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

const SAMPLE: Content[] = [
  { actor: 'olivia', action: 'rollout.requested', target: 'request:req_00000001', details: { target_pct: 5, gate_passed: true } },
  { actor: 'arjun', action: 'request.approved', target: 'request:req_00000001', details: { comment: 'ok' } },
  { actor: 'arjun', action: 'rollout.dispatched', target: 'model:ltr-ranker', details: { from: '1.0.0', to: '1.1.0', pct: 5 } },
  { actor: 'olivia', action: 'rollback.executed', target: 'model:ltr-ranker', details: { justification: 'latency' } },
];

describe('auditHash', () => {
  it('covers prev_hash and every field, and ignores a hash passed along', async () => {
    const [entry] = await chainOf(SAMPLE);
    if (!entry) throw new Error('no entry');
    const { hash, ...unsigned } = entry;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditHash(entry)).toBe(hash);
    expect(await auditHash({ ...unsigned, prev_hash: 'f'.repeat(64) })).not.toBe(hash);
    expect(await auditHash({ ...unsigned, details: { ...unsigned.details, extra: null } })).not.toBe(hash);
  });

  it('does not depend on key order', async () => {
    const [entry] = await chainOf(SAMPLE);
    if (!entry) throw new Error('no entry');
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as AuditEntry;
    expect(await auditHash(reordered)).toBe(entry.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', async () => {
    const entries = await chainOf(SAMPLE);
    for (const entry of entries) expect(AuditEntry.safeParse(entry).success).toBe(true);
    expect(await verifyChain(entries)).toEqual({ ok: true, entries: 4 });
    expect(await verifyChain([])).toEqual({ ok: true, entries: 0 });
  });

  it('finds an altered field at its entry', async () => {
    const entries = await chainOf(SAMPLE);
    entries[2] = { ...entries[2]!, details: { from: '1.0.0', to: '1.1.0', pct: 50 } };
    expect(await verifyChain(entries)).toEqual({ ok: false, entries: 4, first_bad_seq: 3 });
  });

  it('finds an altered entry whose hash was recomputed at the next entry', async () => {
    const entries = await chainOf(SAMPLE);
    const { hash: _old, ...unsigned } = { ...entries[1]!, actor: 'mallory' };
    entries[1] = { ...unsigned, hash: await auditHash(unsigned) };
    expect(await verifyChain(entries)).toEqual({ ok: false, entries: 4, first_bad_seq: 3 });
  });

  it('finds a removed entry at the missing seq', async () => {
    const entries = await chainOf(SAMPLE);
    entries.splice(1, 1);
    expect(await verifyChain(entries)).toEqual({ ok: false, entries: 3, first_bad_seq: 2 });
  });

  it('finds swapped entries and a chain that does not start at the genesis hash', async () => {
    const entries = await chainOf(SAMPLE);
    expect(await verifyChain([entries[0]!, entries[2]!, entries[1]!, entries[3]!])).toMatchObject({ ok: false, first_bad_seq: 2 });
    expect(await verifyChain(entries.slice(1))).toMatchObject({ ok: false, first_bad_seq: 1 });
  });

  it('counts a value that is not JSON as a break instead of failing', async () => {
    const entries = await chainOf(SAMPLE);
    entries[0] = { ...entries[0]!, details: { pct: Number.NaN } };
    expect(await verifyChain(entries)).toEqual({ ok: false, entries: 4, first_bad_seq: 1 });
  });

  it('detects any single altered field at the right seq', async () => {
    const content = fc.record({
      actor: fc.string({ maxLength: 8 }),
      action: fc.string({ maxLength: 8 }),
      target: fc.string({ maxLength: 8 }),
      details: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue>, {
        maxKeys: 3,
        noNullPrototype: true,
      }),
    });
    const field = fc.constantFrom('at', 'actor', 'action', 'target', 'details', 'prev_hash', 'seq');
    await fc.assert(
      fc.asyncProperty(fc.array(content, { minLength: 1, maxLength: 6 }), fc.nat(), field, async (contents, pick, name) => {
        const entries = await chainOf(contents);
        const index = pick % entries.length;
        const original = entries[index]!;
        const altered: AuditEntry = { ...original };
        if (name === 'seq') altered.seq = original.seq + 1;
        else if (name === 'details') altered.details = { ...original.details, tampered: true };
        else if (name === 'prev_hash') altered.prev_hash = original.prev_hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
        else altered[name] = `${original[name]}!`;
        entries[index] = altered;
        expect(await verifyChain(entries)).toEqual({ ok: false, entries: entries.length, first_bad_seq: index + 1 });
      }),
      { numRuns: 100 },
    );
  });
});

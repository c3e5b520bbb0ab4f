import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { auditEntry } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';
import { describeEntry } from './audit-describe.js';

let double: ModelOpsDouble;
beforeEach(() => {
  resetStore();
  double = installModelOpsDouble({
    'app:audit:list': ({ cursor }) =>
      cursor === undefined ? ok({ items: [auditEntry(3), auditEntry(2)], next_cursor: 'older' }) : ok({ items: [auditEntry(1)], next_cursor: null }),
    'app:audit:verify': () => ok({ ok: false, entries: 3, first_bad_seq: 2 }),
  });
});
afterEach(() => double.uninstall());

describe('audit store', () => {
  it('pages older and back to newer with a stack of cursors', async () => {
    await useStore.getState().loadAudit();
    expect(useStore.getState().audit.items.map((e) => e.seq)).toEqual([3, 2]);
    await useStore.getState().nextAuditPage();
    expect(useStore.getState().audit).toMatchObject({ cursors: [undefined, 'older'], nextCursor: null });
    expect(useStore.getState().audit.items.map((e) => e.seq)).toEqual([1]);
    await useStore.getState().previousAuditPage();
    expect(useStore.getState().audit.items.map((e) => e.seq)).toEqual([3, 2]);
  });

  it('sends trimmed filters and starts again from the newest page', async () => {
    await useStore.getState().loadAudit();
    await useStore.getState().nextAuditPage();
    useStore.getState().setAuditFilters({ actor: ' arjun ', action: 'request.approved', model_id: '' });
    await Promise.resolve();
    expect(double.callsTo('app:audit:list').at(-1)).toEqual({ limit: 50, actor: 'arjun', action: 'request.approved' });
  });

  it('reports a broken chain with the first bad entry, and errors as values', async () => {
    await useStore.getState().verifyAudit();
    expect(useStore.getState().audit.verify).toMatchObject({ status: 'ready', result: { ok: false, first_bad_seq: 2 } });
    double.on('app:audit:list', () => fail('forbidden', 'this action needs the viewer role'));
    await useStore.getState().loadAudit({ force: true });
    expect(useStore.getState().audit).toMatchObject({ status: 'error', error: { code: 'forbidden' } });
  });

  it('describes entries in words', () => {
    expect(describeEntry(auditEntry(1))).toMatchObject({ title: 'olivia requested a canary: 2.0.0 → 2.1.0 at 5%', detail: 'why', quoted: true });
    expect(describeEntry(auditEntry(2, { action: 'rollback.executed', details: { from_version: '2.1.0', to_version: '2.0.0' } })).title).toBe(
      'olivia rolled back: 2.1.0 → 2.0.0',
    );
  });
});

import { cleanup, configure, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditVerifyResponse } from '../../../../shared/api/audit.js';
import { useStore } from '../../app/store.js';
import { installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { installTableLayout } from '../../test-support/layout.js';
import { resetStore } from '../../test-support/store-reset.js';
import { user } from '../../test-support/fixtures.js';
import { AuditScreen } from './AuditScreen.js';

configure({ asyncUtilTimeout: 5000 });

let double: ModelOpsDouble;
beforeAll(installTableLayout);
beforeEach(resetStore);
afterEach(() => {
  cleanup();
  double.uninstall();
});

function show(verdict: AuditVerifyResponse): void {
  double = installModelOpsDouble({
    'app:audit:list': () => ok({ items: [], next_cursor: null }),
    'app:audit:verify': () => ok(verdict),
  });
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: user('vera', ['viewer']) } }));
  render(<AuditScreen />);
}

const KNOWN = { seq: 42, hash: 'a'.repeat(64) };

describe('audit chain status line', () => {
  it('says in words that the log was truncated against the head seen before', async () => {
    show({ ok: false, entries: 40, code: 'truncated', known: KNOWN });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Log truncated/);
    expect(alert.textContent).toMatch(/entry #42, which this console saw signed earlier, is gone: entries were deleted from the end/);
  });

  it('says in words that the log was rewritten', async () => {
    show({ ok: false, entries: 50, code: 'forked', first_bad_seq: 42, known: KNOWN });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Log rewritten \(forked\)/);
    expect(alert.textContent).toMatch(/entry #42 differs .* edited and re-chained/);
  });

  it('says when the signed head is not trusted, and still names a plain broken link', async () => {
    show({ ok: false, entries: 50, code: 'head_signature_invalid' });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Audit head not trusted/);
    cleanup();
    double.uninstall();
    resetStore();
    show({ ok: false, entries: 50, code: 'broken', first_bad_seq: 7 });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Chain broken at entry #7/);
  });
});

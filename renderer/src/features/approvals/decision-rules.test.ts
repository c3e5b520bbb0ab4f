// @vitest-environment node
// Pure logic: no DOM needed, so no jsdom to start.
import { describe, expect, it } from 'vitest';
import { ARJUN, OLIVIA, request, user } from '../../test-support/fixtures.js';
import { decisionBlock } from './decision-rules.js';

describe('who may decide a request', () => {
  it('lets a different approver decide', async () => {
    expect(decisionBlock(await request(), ARJUN, 'ravi')).toBeNull();
  });

  it('blocks the requester and says why (two-person rule)', async () => {
    const selfApprover = user('olivia', ['operator', 'approver']);
    const block = decisionBlock(await request(), selfApprover, 'ravi');
    expect(block?.kind).toBe('self');
    expect(block?.message).toMatch(/you requested this change/i);
    expect(block?.message).toMatch(/two-person rule/);
  });

  it('blocks the registrant of the target version', async () => {
    expect(decisionBlock(await request(), ARJUN, 'arjun')?.kind).toBe('registrant');
  });

  it('needs the approver role, an open request, and no earlier decision of the same person', async () => {
    expect(decisionBlock(await request({ requested_by: 'ravi' }), OLIVIA, null)?.kind).toBe('role');
    expect(decisionBlock(await request({ status: 'dispatched' }), ARJUN, null)?.kind).toBe('not_pending');
    expect(decisionBlock(await request({ expires_at: new Date(Date.now() - 1000).toISOString() }), ARJUN, null)?.kind).toBe('expired');
    const decided = await request({ decisions: [{ by: 'arjun', at: new Date().toISOString(), decision: 'approve', comment: '', auth_time: new Date().toISOString() }] });
    expect(decisionBlock(decided, ARJUN, null)?.kind).toBe('already_decided');
  });
});

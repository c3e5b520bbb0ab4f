import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../../shared/domain/audit.js';
import { auditEntry } from '../../test-support/fixtures.js';
import { describeEntry } from './audit-describe.js';

describe('describeEntry', () => {
  it('has its own sentence for every action the BFF writes, even with no details', () => {
    for (const action of AUDIT_ACTIONS) {
      const fallback = `olivia: ${action}`;
      for (const details of [{}, auditEntry(1).details]) {
        const described = describeEntry(auditEntry(1, { action, details, target: 'user:ada' }));
        expect(described.title, action).not.toBe(fallback);
        expect(described.title.length, action).toBeGreaterThan(0);
        expect(described.title, action).not.toMatch(/undefined|null|\[object/);
      }
    }
  });

  it('names an action this build does not know, from an older or newer log', () => {
    expect(describeEntry(auditEntry(1, { action: 'model.renamed', details: {} }))).toEqual({ title: 'olivia: model.renamed', detail: null, tone: 'neutral' });
    expect(describeEntry(auditEntry(1, { action: 'toString', details: {} })).title).toBe('olivia: toString');
  });

  it('says who did what to whom for accounts and policy', () => {
    expect(describeEntry(auditEntry(1, { actor: 'cli', action: 'user.roles_set', target: 'user:vera', details: { from: ['viewer'], to: ['viewer', 'operator'] } }))).toMatchObject({
      title: 'cli set the roles of vera',
      detail: 'viewer → viewer, operator',
    });
    expect(describeEntry(auditEntry(1, { actor: 'ada', action: 'model.policy_change_approved', target: 'model:ltr', details: { proposed_by: 'adam' } })).title).toBe(
      'ada approved the policy change proposed by adam',
    );
  });

  it('names the company IdP identity behind a step-up, and keeps a password step-up as it was', () => {
    const oidc = { purpose: 'approve', method: 'oidc', issuer: 'https://sso.example.com/realms/corp', subject: 'f1c2', auth_time: '2026-11-30T21:00:00.000Z' };
    expect(describeEntry(auditEntry(1, { actor: 'amira', action: 'auth.step_up', details: oidc }))).toMatchObject({
      title: 'amira re-authenticated at the company IdP',
      detail: 'approve · https://sso.example.com/realms/corp, subject f1c2',
    });
    expect(describeEntry(auditEntry(1, { actor: 'olivia', action: 'auth.step_up', details: { purpose: 'rollout' } }))).toMatchObject({ title: 'olivia re-authenticated', detail: 'rollout' });
  });
});

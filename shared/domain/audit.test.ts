import { describe, expect, expectTypeOf, it } from 'vitest';
import { AuditListQuery } from '../api/audit.js';
import { AUDIT_ACTIONS, AuditAction, DEPLOYMENT_HISTORY_ACTIONS, isAuditAction, isDeploymentHistoryAction, type DeploymentHistoryAction } from './audit.js';

describe('audit actions', () => {
  it('are unique, dotted lower-case names the audit filter accepts', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    for (const action of AUDIT_ACTIONS) {
      expect(action).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(AuditListQuery.safeParse({ action, limit: 1 }).success, action).toBe(true);
    }
  });

  it('know their own and refuse others', () => {
    for (const action of AUDIT_ACTIONS) expect(isAuditAction(action)).toBe(true);
    for (const other of ['', 'rollout', 'rollout.approved', 'AUTH.LOGIN', 'test.note', 'toString']) expect(isAuditAction(other), other).toBe(false);
    expect(AuditAction.safeParse('auth.logout').success).toBe(false);
  });

  it('make the deployment history from a subset of the list', () => {
    expectTypeOf<DeploymentHistoryAction>().toExtend<AuditAction>();
    for (const action of DEPLOYMENT_HISTORY_ACTIONS) expect(isAuditAction(action), action).toBe(true);
    for (const action of AUDIT_ACTIONS) expect(isDeploymentHistoryAction(action)).toBe((DEPLOYMENT_HISTORY_ACTIONS as readonly string[]).includes(action));
    // Who signed in, or a policy change, is not part of how a deployment got where it is.
    expect(isDeploymentHistoryAction('auth.login')).toBe(false);
    expect(isDeploymentHistoryAction('model.policy_updated')).toBe(false);
    expect(isDeploymentHistoryAction('rollout.dispatched')).toBe(true);
    expect(isDeploymentHistoryAction('no.such_action')).toBe(false);
  });
});

// Native confirmations the main process shows itself, so that what the user
// agrees to is never only what the renderer drew: the BFF a console is
// pointed at, a hand-imported report key, and — before a step-up token is
// spent — the action built from the BFF's own data of that request.
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { GateResult } from '../../../shared/domain/gate.js';
import type { RolloutRequest } from '../../../shared/api/rollout.js';
import { ClientError } from './client-error.js';

/** One native confirmation: the message box of adapters/dialog.ts (a recording one in tests and e2e). */
export interface ConfirmDialog {
  /** What kind of confirmation, for recording adapters and logs. */
  kind: 'step_up' | 'bff_change' | 'key_import';
  title: string;
  message: string;
  detail: string;
  confirmLabel: string;
}

/** Shows the dialog; true only when the user pressed the confirm button. */
export type Confirm = (dialog: ConfirmDialog) => Promise<boolean>;

/** Throws `cancelled_by_user` unless the user confirms. */
export async function requireConfirmation(confirm: Confirm, dialog: ConfirmDialog): Promise<void> {
  if (!(await confirm(dialog))) throw new ClientError('cancelled_by_user', 'Cancelled: nothing was sent.');
}

const pct = (value: number) => `${value} %`;
const versionOrNone = (version: string | null) => version ?? 'none';

export function describeGate(gate: GateResult | null, override = false): string {
  if (!gate) return 'Gate: no eval run for this version.';
  if (gate.passed) return 'Gate: passed.';
  const failed = gate.checks.filter((check) => !check.passed).map((check) => check.message);
  return `Gate: FAILED (${failed.slice(0, 3).join('; ') || gate.failed_metrics.join(', ')})${override ? ' — the request overrides it' : ''}.`;
}

const ACTION_WORDS: Record<ChangeRequest['action'], string> = {
  start_canary: 'Start canary',
  advance: 'Advance canary',
  promote: 'Promote to stable',
  rollback: 'Roll back',
};

/** Approving a pending request, from the request as the BFF holds it. */
export function approvalConfirmation(request: ChangeRequest, decision: 'approve' | 'reject' = 'approve'): ConfirmDialog {
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  return {
    kind: 'step_up',
    title: `${verb} a change request`,
    message: `${verb}: ${ACTION_WORDS[request.action]} of ${request.model_id}, ${versionOrNone(request.from_version)} → ${request.target_version} at ${pct(request.target_pct)}?`,
    detail: [
      `Requested by ${request.requested_by} at ${request.requested_at}.`,
      describeGate(request.gate_snapshot, request.gate_override),
      `Justification: ${request.justification.slice(0, 300)}`,
      `Request ${request.id}. Shown by the console from the BFF's own copy of the request.`,
    ].join('\n'),
    confirmLabel: verb,
  };
}

/** Requesting a rollout step: the model's deployment as the BFF holds it, and the gate of the target's newest run. */
export function rolloutConfirmation(modelId: string, rollout: RolloutRequest, deployment: Deployment, gate: GateResult | null): ConfirmDialog {
  const words = rollout.strategy === 'canary' ? 'Start canary' : rollout.strategy === 'advance' ? 'Advance canary' : 'Promote to stable';
  const targetPct = rollout.strategy === 'promote' ? 100 : (rollout.canary_pct ?? deployment.canary_pct);
  const now = deployment.canary_version
    ? `stable ${versionOrNone(deployment.stable_version)}, canary ${deployment.canary_version} at ${pct(deployment.canary_pct)}`
    : `stable ${versionOrNone(deployment.stable_version)}, no canary`;
  return {
    kind: 'step_up',
    title: 'Request a rollout step',
    message: `${words} of ${modelId}: ${versionOrNone(deployment.stable_version)} → ${rollout.target_version} at ${pct(targetPct)}?`,
    detail: [
      `Now: ${now}.`,
      describeGate(gate, rollout.gate_override === true),
      'A second person must approve before anything changes.',
    ].join('\n'),
    confirmLabel: 'Request',
  };
}

/** Rolling back at once: what the BFF says is live now and what comes back. */
export function rollbackConfirmation(modelId: string, deployment: Deployment): ConfirmDialog {
  const from = deployment.canary_version ?? deployment.stable_version;
  const to = deployment.canary_version ? deployment.stable_version : deployment.previous_stable;
  return {
    kind: 'step_up',
    title: 'Roll back now',
    message: `Roll back ${modelId}: ${versionOrNone(from)} → ${versionOrNone(to)}, 100 % of traffic, at once?`,
    detail: deployment.canary_version
      ? `The canary ${deployment.canary_version} (${pct(deployment.canary_pct)}) is taken out; all traffic goes to ${versionOrNone(deployment.stable_version)}. No second approval: approvers are told.`
      : `Stable ${versionOrNone(deployment.stable_version)} is replaced by ${versionOrNone(deployment.previous_stable)}. No second approval: approvers are told.`,
    confirmLabel: 'Roll back',
  };
}

/** Pointing the console at another BFF: where passwords will be sent from the next start. */
export function bffChangeConfirmation(origin: string | null): ConfirmDialog {
  return origin === null
    ? {
        kind: 'bff_change',
        title: 'Use local mode',
        message: 'Use local mode (the built-in BFF with demo data) from the next start?',
        detail: 'The console will stop using the BFF it is set to now.',
        confirmLabel: 'Use local mode',
      }
    : {
        kind: 'bff_change',
        title: 'Change the BFF',
        message: `Connect the console to ${origin}?`,
        detail: `From the next start, your user name, passwords and approvals go to ${origin}. Only confirm a server your organisation runs.`,
        confirmLabel: 'Connect',
      };
}

/** Trusting a report-signing key handed over by hand: its fingerprint, to compare with what its owner says. */
export function keyImportConfirmation(keyId: string, fingerprint: string, label: string): ConfirmDialog {
  return {
    kind: 'key_import',
    title: 'Trust a report-signing key',
    message: `Trust reports signed by the key ${keyId}${label ? ` ("${label}")` : ''}?`,
    detail: `SHA-256 fingerprint of the public key:\n${fingerprint}\nCompare it with the fingerprint the key's owner gave you. Reports it signs will show "verified by a key you imported".`,
    confirmLabel: 'Trust this key',
  };
}

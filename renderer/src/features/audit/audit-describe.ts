// Audit entries in words, for the audit log's summary column and a model's
// deployment timeline: every action the BFF writes has its sentence, and an
// action this build does not know falls back to its name.
import { isAuditAction, type AuditAction, type AuditEntry } from '../../../../shared/domain/audit.js';
import { formatTraffic } from '../../lib/format.js';
import { CANARY_ANALYSIS_ACTOR } from '../../../../shared/domain/online-gate.js';

export type EntryTone = 'good' | 'bad' | 'warn' | 'info' | 'neutral';
/** `quoted`: the detail is someone's own words (a justification, comment or reason). */
export type DescribedEntry = { title: string; detail: string | null; tone: EntryTone; quoted?: boolean };

const ACTION_WORD: Record<string, string> = {
  start_canary: 'canary',
  advance: 'traffic increase',
  promote: 'promotion',
  rollback: 'rollback',
};

function str(details: AuditEntry['details'], key: string): string | null {
  const value = Object.hasOwn(details, key) ? details[key] : undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

function pct(details: AuditEntry['details'], key: string): string | null {
  const value = Object.hasOwn(details, key) ? details[key] : undefined;
  return typeof value === 'number' ? formatTraffic(value) : null;
}

function move(details: AuditEntry['details'], fromKey: string, toKey: string): string {
  const from = str(details, fromKey);
  const to = str(details, toKey);
  return from ? `${from} → ${to ?? '?'}` : (to ?? '?');
}

type Describe = (entry: AuditEntry) => DescribedEntry;

/** What a request's entries call the change: "canary", "promotion", … */
function requestWord(details: AuditEntry['details']): string {
  const action = str(details, 'action');
  return (action !== null && Object.hasOwn(ACTION_WORD, action) ? ACTION_WORD[action] : action) ?? 'change';
}

function targetVersion(details: AuditEntry['details']): string {
  return str(details, 'target_version') ?? '?';
}

/**
 * One sentence per action. A Record over AuditAction, so that an action added
 * to the shared list does not compile until it is described here.
 */
const DESCRIBE: Record<AuditAction, Describe> = {
  'auth.login': (e) => ({ title: `${e.actor} signed in`, detail: null, tone: 'neutral' }),
  'auth.login_failed': (e) => ({ title: `${e.actor}: sign-in failed`, detail: str(e.details, 'reason'), tone: 'warn' }),
  'auth.step_up': (e) => ({
    title: `${e.actor} re-authenticated${str(e.details, 'method') === 'oidc' ? ' at the company IdP' : ''}`,
    // A company sign-in names the IdP identity that authenticated (issuer and subject).
    detail: [str(e.details, 'purpose'), str(e.details, 'issuer') ? `${str(e.details, 'issuer')}, subject ${str(e.details, 'subject') ?? '?'}` : null].filter((part) => part !== null).join(' · ') || null,
    tone: 'neutral',
  }),
  'auth.step_up_failed': (e) => ({ title: `${e.actor}: re-authentication failed`, detail: str(e.details, 'reason'), tone: 'warn' }),
  'auth.locked': (e) => ({ title: `${e.actor}'s account locked after failed attempts`, detail: str(e.details, 'until') ? `Until ${str(e.details, 'until')}` : null, tone: 'bad' }),
  'auth.refresh_reuse': (e) => ({ title: `A used refresh token of ${e.actor} was presented again: session ended`, detail: null, tone: 'bad' }),
  'user.created': (e) => ({ title: `${e.actor} created ${subject(e.target)}`, detail: arrayOrNull(e.details.roles), tone: 'info' }),
  'user.roles_set': (e) => ({ title: `${e.actor} set the roles of ${subject(e.target)}`, detail: `${arrayText(e.details.from)} → ${arrayText(e.details.to)}`, tone: 'info' }),
  'user.password_reset': (e) => ({ title: `${e.actor} reset the password of ${subject(e.target)}`, detail: null, tone: 'warn' }),
  'user.totp_enrolled': (e) => ({ title: `${e.actor} enrolled a one-time-code device for ${subject(e.target)}`, detail: null, tone: 'info' }),
  'user.idp_linked': (e) => ({ title: `${e.actor} signed in for the first time at ${str(e.details, 'issuer') ?? 'the company IdP'}`, detail: `subject ${str(e.details, 'subject') ?? '?'}; roles ${arrayText(e.details.roles)}`, tone: 'info' }),
  'user.idp_roles_changed': (e) => ({ title: `The company IdP changed the roles of ${subject(e.target)}`, detail: `${arrayText(e.details.from)} → ${arrayText(e.details.to)}`, tone: 'warn' }),
  'service_account.created': (e) => ({ title: `${e.actor} created service account ${subject(e.target)}`, detail: arrayOrNull(e.details.roles), tone: 'info' }),
  'service_account.revoked': (e) => ({ title: `${e.actor} revoked service account ${subject(e.target)}`, detail: null, tone: 'warn' }),
  'model.created': (e) => ({ title: `${e.actor} created model ${str(e.details, 'model_id') ?? subject(e.target)}`, detail: str(e.details, 'name'), tone: 'info' }),
  'version.registered': (e) => ({ title: `${e.actor} registered ${str(e.details, 'version') ?? 'a version'}`, detail: str(e.details, 'artifact_uri'), tone: 'info' }),
  'version.deprecated': (e) => ({ title: `${e.actor} deprecated ${str(e.details, 'version') ?? 'a version'}`, detail: str(e.details, 'reason'), quoted: true, tone: 'neutral' }),
  'eval_run.reported': (e) => ({ title: `Eval run reported for ${str(e.details, 'version') ?? '?'}`, detail: null, tone: 'info' }),
  'report.exported': (e) => ({ title: `${e.actor} exported a signed eval report`, detail: str(e.details, 'report_id'), tone: 'info' }),
  'signing_key.created': (e) => ({ title: 'Report-signing key created', detail: str(e.details, 'key_id'), tone: 'info' }),
  'signing_key.rotated': (e) => ({ title: `${e.actor} rotated the report-signing key`, detail: str(e.details, 'key_id'), tone: 'warn' }),
  'model.policy_updated': (e) => ({ title: `${e.actor} updated the rollout policy of ${str(e.details, 'model_id') ?? '?'}`, detail: null, tone: 'info' }),
  'model.policy_change_proposed': (e) => ({ title: `${e.actor} proposed loosening the rollout policy of ${str(e.details, 'model_id') ?? '?'}`, detail: null, tone: 'warn' }),
  'model.policy_change_approved': (e) => ({ title: `${e.actor} approved the policy change proposed by ${str(e.details, 'proposed_by') ?? '?'}`, detail: null, tone: 'good' }),
  'model.policy_change_rejected': (e) => ({ title: `${e.actor} rejected the policy change proposed by ${str(e.details, 'proposed_by') ?? '?'}`, detail: null, tone: 'bad' }),
  'model.policy_change_expired': () => ({ title: 'A proposed policy change expired', detail: null, tone: 'neutral' }),
  'model.policy_change_stale': () => ({ title: 'A proposed policy change went stale: the policy changed since', detail: null, tone: 'neutral' }),
  'rollout.requested': (e) => {
    const traffic = pct(e.details, 'target_pct');
    return {
      title: `${e.actor} requested a ${requestWord(e.details)}: ${move(e.details, 'from_version', 'target_version')}${traffic ? ` at ${traffic}` : ''}`,
      detail: str(e.details, 'justification'), quoted: true,
      tone: e.details.gate_override === true ? 'warn' : 'info',
    };
  },
  'request.approved': (e) => ({ title: `${e.actor} approved the ${requestWord(e.details)} of ${targetVersion(e.details)}`, detail: str(e.details, 'comment'), quoted: true, tone: 'good' }),
  'request.rejected': (e) => ({ title: `${e.actor} rejected the ${requestWord(e.details)} of ${targetVersion(e.details)}`, detail: str(e.details, 'comment'), quoted: true, tone: 'bad' }),
  'request.cancelled': (e) => ({ title: `${e.actor} cancelled the ${requestWord(e.details)} request for ${targetVersion(e.details)}`, detail: str(e.details, 'comment'), quoted: true, tone: 'neutral' }),
  'request.expired': (e) => ({ title: `The ${requestWord(e.details)} request for ${targetVersion(e.details)} expired`, detail: null, tone: 'neutral' }),
  'request.stale': (e) => ({ title: `The ${requestWord(e.details)} request for ${targetVersion(e.details)} went stale`, detail: str(e.details, 'reason'), quoted: true, tone: 'neutral' }),
  'rollout.dispatched': (e) => ({
    title: `${capitalise(requestWord(e.details))} dispatched: ${move(e.details, 'from', 'to')}${pct(e.details, 'pct') ? ` at ${pct(e.details, 'pct')}` : ''}`,
    detail: str(e.details, 'requested_by') ? `Requested by ${str(e.details, 'requested_by')}; approved by ${arrayText(e.details.approved_by)}` : null,
    tone: 'good',
  }),
  'rollback.executed': (e) =>
    e.actor === CANARY_ANALYSIS_ACTOR
      ? // The system's reason carries the numbers that triggered it (the entry's details hold every check).
        { title: `Rolled back automatically by the online canary analysis: ${move(e.details, 'from_version', 'to_version')}`, detail: str(e.details, 'justification'), tone: 'bad' }
      : { title: `${e.actor} rolled back: ${move(e.details, 'from_version', 'to_version')}`, detail: str(e.details, 'justification'), quoted: true, tone: 'warn' },
  'serving.set': (e) => ({ title: `${e.actor} set where ${str(e.details, 'model_id') ?? 'the model'} is served`, detail: servingText(e.details.after), tone: 'info' }),
  'dispatch.applied': (e) => ({ title: `Applied to ${str(e.details, 'target_kind') === 'webhook' ? 'the webhook' : 'HAProxy'}: state ${str(e.details, 'state_version') ?? '?'}`, detail: str(e.details, 'target'), tone: 'good' }),
  'dispatch.failed': (e) => ({ title: `Dispatch ${str(e.details, 'status') === 'failed' ? 'failed' : 'retrying'} (try ${str(e.details, 'attempts') ?? '?'})`, detail: str(e.details, 'error'), tone: 'bad' }),
  'dispatch.drift': (e) => ({ title: 'Drift: the serving layer differs from the approved state', detail: str(e.details, 'message'), tone: 'warn' }),
  'dispatch.drift_resolved': () => ({ title: 'The serving layer matches the approved state again', detail: null, tone: 'good' }),
  'dispatch.retry_requested': (e) => ({ title: `${e.actor} retried the dispatch`, detail: null, tone: 'info' }),
  'online_gate.set': (e) => ({ title: `${e.actor} set the online gate of ${str(e.details, 'model_id') ?? 'the model'}`, detail: e.details.is_default === true ? 'back to the type default' : null, tone: 'info' }),
  'seed.demo': () => ({ title: 'Demo data loaded', detail: null, tone: 'neutral' }),
};

/** An entry in words; an action this build does not know (older or newer log) by its name. */
export function describeEntry(entry: AuditEntry): DescribedEntry {
  if (isAuditAction(entry.action)) return DESCRIBE[entry.action](entry);
  return { title: `${entry.actor}: ${entry.action}`, detail: null, tone: 'neutral' };
}

/** "user:ada" → "ada". */
function subject(target: string): string {
  const colon = target.indexOf(':');
  return colon === -1 ? target : target.slice(colon + 1);
}

function arrayOrNull(value: unknown): string | null {
  return Array.isArray(value) && value.length > 0 ? value.join(', ') : null;
}

function servingText(target: unknown): string {
  if (typeof target !== 'object' || target === null) return 'pull only (routers poll /routing)';
  const t = target as Record<string, unknown>;
  return t.kind === 'haproxy' ? `HAProxy ${String(t.runtime_api)} backend ${String(t.backend)}` : `webhook ${String(t.url)}`;
}

function arrayText(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? value.join(', ') : '—';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

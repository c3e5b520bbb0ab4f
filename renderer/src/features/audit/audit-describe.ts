// Audit entries in words, for the audit log's summary column and a model's
// deployment timeline. Unknown actions fall back to their name.
import type { AuditEntry } from '../../../../shared/domain/audit.js';
import { formatTraffic } from '../../lib/format.js';

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

export function describeEntry(entry: AuditEntry): DescribedEntry {
  const d = entry.details;
  const word = ACTION_WORD[str(d, 'action') ?? ''] ?? str(d, 'action') ?? 'change';
  const traffic = pct(d, 'target_pct');
  switch (entry.action) {
    case 'rollout.requested':
      return {
        title: `${entry.actor} requested a ${word}: ${move(d, 'from_version', 'target_version')}${traffic ? ` at ${traffic}` : ''}`,
        detail: str(d, 'justification'), quoted: true,
        tone: d.gate_override === true ? 'warn' : 'info',
      };
    case 'request.approved':
      return { title: `${entry.actor} approved the ${word} of ${str(d, 'target_version') ?? '?'}`, detail: str(d, 'comment'), quoted: true, tone: 'good' };
    case 'request.rejected':
      return { title: `${entry.actor} rejected the ${word} of ${str(d, 'target_version') ?? '?'}`, detail: str(d, 'comment'), quoted: true, tone: 'bad' };
    case 'request.cancelled':
      return { title: `${entry.actor} cancelled the ${word} request for ${str(d, 'target_version') ?? '?'}`, detail: str(d, 'comment'), quoted: true, tone: 'neutral' };
    case 'request.expired':
      return { title: `The ${word} request for ${str(d, 'target_version') ?? '?'} expired`, detail: null, tone: 'neutral' };
    case 'request.stale':
      return { title: `The ${word} request for ${str(d, 'target_version') ?? '?'} went stale`, detail: str(d, 'reason'), quoted: true, tone: 'neutral' };
    case 'rollout.dispatched':
      return {
        title: `${capitalise(word)} dispatched: ${move(d, 'from', 'to')}${pct(d, 'pct') ? ` at ${pct(d, 'pct')}` : ''}`,
        detail: str(d, 'requested_by') ? `Requested by ${str(d, 'requested_by')}; approved by ${arrayText(d.approved_by)}` : null,
        tone: 'good',
      };
    case 'rollback.executed':
      return { title: `${entry.actor} rolled back: ${move(d, 'from_version', 'to_version')}`, detail: str(d, 'justification'), quoted: true, tone: 'warn' };
    case 'version.registered':
      return { title: `${entry.actor} registered ${str(d, 'version') ?? 'a version'}`, detail: str(d, 'artifact_uri'), tone: 'info' };
    case 'version.deprecated':
      return { title: `${entry.actor} deprecated ${str(d, 'version') ?? 'a version'}`, detail: str(d, 'reason'), quoted: true, tone: 'neutral' };
    case 'serving.set':
      return { title: `${entry.actor} set where ${str(d, 'model_id') ?? 'the model'} is served`, detail: servingText(d.after), tone: 'info' };
    case 'dispatch.applied':
      return { title: `Applied to ${str(d, 'target_kind') === 'webhook' ? 'the webhook' : 'HAProxy'}: state ${str(d, 'state_version') ?? '?'}`, detail: str(d, 'target'), tone: 'good' };
    case 'dispatch.failed':
      return { title: `Dispatch ${str(d, 'status') === 'failed' ? 'failed' : 'retrying'} (try ${str(d, 'attempts') ?? '?'})`, detail: str(d, 'error'), tone: 'bad' };
    case 'dispatch.drift':
      return { title: 'Drift: the serving layer differs from the approved state', detail: str(d, 'message'), tone: 'warn' };
    case 'dispatch.drift_resolved':
      return { title: 'The serving layer matches the approved state again', detail: null, tone: 'good' };
    case 'dispatch.retry_requested':
      return { title: `${entry.actor} retried the dispatch`, detail: null, tone: 'info' };
    case 'eval_run.reported':
      return { title: `Eval run reported for ${str(d, 'version') ?? '?'}`, detail: null, tone: 'info' };
    default:
      return { title: `${entry.actor}: ${entry.action}`, detail: null, tone: 'neutral' };
  }
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

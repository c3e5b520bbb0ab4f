// Where a model's traffic is steered and what the serving layer did with the
// approved state, in words: "applied to HAProxy backend ltr 4 s after approval",
// "retrying (3rd try, next in 20 s): connection refused". Pure, so the view
// tests and the screen say exactly the same thing.
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { Serving, ServingTargetKind } from '../../../../shared/domain/serving.js';
import { largestDrift } from '../../../../shared/logic/traffic-split.js';
import { formatInteger, userLocale } from '../../lib/format.js';
import type { Tone } from '../../ui/Badge.js';

/** Where traffic goes, for the "Target" line. */
export function targetSentence(target: Serving['target']): string {
  if (target === null) return 'pull only: routers poll /routing';
  if (target.kind === 'haproxy') return `HAProxy backend ${target.backend} at ${target.runtime_api}`;
  return `webhook ${target.url}`;
}

/** The target as the object of "applied to …": the backend or URL when known, else the kind. */
function targetObject(kind: ServingTargetKind | null, target: Serving['target'] | undefined): string {
  if (target && target.kind === 'haproxy') return `HAProxy backend ${target.backend}`;
  if (target && target.kind === 'webhook') return `webhook ${target.url}`;
  if (kind === 'haproxy') return 'HAProxy';
  if (kind === 'webhook') return 'the webhook';
  return 'the serving layer';
}

/** The serving layer's name as a sentence subject: "HAProxy sends …", "The webhook receiver sends …". */
function targetSubject(kind: ServingTargetKind | null): string {
  return kind === 'haproxy' ? 'HAProxy' : kind === 'webhook' ? 'The webhook receiver' : 'The serving layer';
}

/** 1 -> "1st", 3 -> "3rd", 11 -> "11th" (English ordinals: the console's words are English). */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${formatInteger(n)}${suffix}`;
}

/** A short span of time: "4 s", "3 min", "2 h", with the number in the user's locale. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${formatInteger(seconds)} s`;
  if (seconds < 90 * 60) return `${formatInteger(Math.round(seconds / 60))} min`;
  return `${formatInteger(Math.round(seconds / 3600))} h`;
}

const pctFormat = new Map<string, Intl.NumberFormat>();
/** A share of traffic as the serving layer reports it: "12 %", "4.8 %" (one decimal at most). */
export function formatSharePct(pct: number): string {
  const locale = userLocale() ?? 'default';
  let format = pctFormat.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(userLocale(), { maximumFractionDigits: 1 });
    pctFormat.set(locale, format);
  }
  return `${format.format(pct)} %`;
}

/** A difference in percentage points, signed: "+7 pts", "−7 pts". */
export function formatPointsDelta(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return '0 pts';
  const magnitude = formatSharePct(Math.abs(rounded)).replace(' %', '');
  return `${rounded > 0 ? '+' : '\u2212'}${magnitude} pts`;
}

export interface DispatchWords {
  /** One word for the badge. */
  label: string;
  tone: Tone;
  /** The sentence: what happened, when, and why it failed. */
  sentence: string;
  /** Whether an operator's "Retry dispatch" makes sense now. */
  retryable: boolean;
}

/** The dispatch status of `deployment` in words; `target` is the serving target once it has been read. */
export function dispatchWords(deployment: Deployment, target: Serving['target'] | undefined, now: number): DispatchWords {
  const dispatch = deployment.dispatch;
  const where = targetObject(dispatch.target_kind, target);
  const error = dispatch.last_error?.trim() || 'no reason given';
  const after = deployment.phase === 'rolled_back' ? 'after the rollback' : 'after approval';
  switch (dispatch.status) {
    case 'none':
      return dispatch.target_kind === null && (target === undefined || target === null)
        ? { label: 'pull only', tone: 'neutral', sentence: 'nothing is pushed: routers read the approved state from /routing', retryable: false }
        : deployment.stable_version === null
          ? { label: 'not dispatched', tone: 'neutral', sentence: `nothing sent to ${where}: no version is deployed yet`, retryable: false }
          : { label: 'not dispatched', tone: 'neutral', sentence: `nothing sent to ${where} yet`, retryable: true };
    case 'pending':
      return { label: 'pending', tone: 'info', sentence: `pending: being applied to ${where}`, retryable: false };
    case 'applied': {
      const appliedAt = dispatch.applied_at ? Date.parse(dispatch.applied_at) : Number.NaN;
      const changedAt = Date.parse(deployment.updated_at);
      const span = appliedAt - changedAt;
      const when = !Number.isFinite(span) ? '' : span < 1000 ? ` less than 1 s ${after}` : ` ${formatSpan(span)} ${after}`;
      return { label: 'applied', tone: 'good', sentence: `applied to ${where}${when}`, retryable: false };
    }
    case 'retrying': {
      const next = dispatch.next_attempt_at ? Date.parse(dispatch.next_attempt_at) - now : Number.NaN;
      const nextWords = Number.isFinite(next) ? (next > 500 ? `, next in ${formatSpan(next)}` : ', next try due now') : '';
      return {
        label: 'retrying',
        tone: 'warn',
        sentence: `retrying (${ordinal(Math.max(1, dispatch.attempts))} try${nextWords}): ${error}`,
        retryable: true,
      };
    }
    case 'failed':
      return {
        label: 'failed',
        tone: 'bad',
        sentence: `failed after ${formatInteger(dispatch.attempts)} ${dispatch.attempts === 1 ? 'try' : 'tries'}: ${error}`,
        retryable: true,
      };
    case 'drift': {
      const drift = largestDrift(deployment);
      const detail = drift
        ? `${targetSubject(dispatch.target_kind)} sends ${formatSharePct(drift.observedPct ?? 0)} to ${drift.version}, approved ${formatSharePct(drift.approvedPct)}`
        : `${targetSubject(dispatch.target_kind)} no longer matches the approved state`;
      return { label: 'drift', tone: 'bad', sentence: `drift: ${detail}`, retryable: true };
    }
  }
}

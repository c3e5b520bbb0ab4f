// The online gate's fields as people read and edit them (DESIGN §9): label,
// unit, what the number means, and the form's text values checked against the
// shared OnlineGatePolicy schema, one message per field.
import { OnlineGatePolicy } from '../../../../shared/domain/online-gate.js';
import { formatInteger, formatMetric } from '../../lib/format.js';

export type GateFieldName = 'interval_s' | 'min_requests' | 'max_error_rate_increase_pts' | 'max_p95_latency_ratio' | 'latency_noise_floor_ms' | 'bake_intervals' | 'fail_intervals';

export type GateField = { name: GateFieldName; label: string; unit: string; meaning: string; format: (value: number) => string };

export const GATE_FIELDS: readonly GateField[] = [
  { name: 'interval_s', label: 'Interval', unit: 's', meaning: 'Length of each judged window of live traffic.', format: (v) => `${formatMetric(v)} s` },
  { name: 'min_requests', label: 'Minimum requests', unit: 'requests', meaning: 'Canary and stable must each serve this many in an interval, else it is inconclusive.', format: (v) => `${formatInteger(v)} requests` },
  { name: 'max_error_rate_increase_pts', label: 'Max error-rate increase', unit: 'pts', meaning: 'Canary error rate may exceed stable by at most this many percentage points.', format: (v) => `+${formatMetric(v)} pts` },
  { name: 'max_p95_latency_ratio', label: 'Max p95 latency ratio', unit: '×', meaning: 'Canary p95 latency at most this multiple of stable’s.', format: (v) => `${formatMetric(v)} ×` },
  { name: 'latency_noise_floor_ms', label: 'Latency noise floor', unit: 'ms', meaning: 'Latency differences below this are noise, never a failure.', format: (v) => `${formatMetric(v)} ms` },
  { name: 'bake_intervals', label: 'Bake intervals', unit: 'intervals', meaning: 'Passing intervals in a row before the step counts as baked.', format: (v) => `${formatInteger(v)} in a row` },
  { name: 'fail_intervals', label: 'Fail intervals', unit: 'intervals', meaning: 'Failing intervals (no pass between) that roll the canary back.', format: (v) => `${formatInteger(v)} in a row` },
];

export type GateDraft = Record<GateFieldName, string>;
export type GateDraftErrors = Partial<Record<GateFieldName, string>>;

export function draftOf(policy: OnlineGatePolicy): GateDraft {
  return Object.fromEntries(GATE_FIELDS.map((field) => [field.name, String(policy[field.name])])) as GateDraft;
}

/** The draft as a policy (the business metric, not edited here, kept as it was), or a message per field. */
export function policyOfDraft(draft: GateDraft, current: OnlineGatePolicy): { ok: true; policy: OnlineGatePolicy } | { ok: false; errors: GateDraftErrors } {
  const errors: GateDraftErrors = {};
  const numbers: Partial<Record<GateFieldName, number>> = {};
  for (const field of GATE_FIELDS) {
    const text = draft[field.name].trim();
    const value = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) errors[field.name] = `Enter a number (${field.unit}).`;
    else numbers[field.name] = value;
  }
  const candidate = { ...numbers, ...(current.business_metric ? { business_metric: current.business_metric } : {}) };
  const parsed = OnlineGatePolicy.safeParse(candidate);
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, policy: parsed.data };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path[0] as GateFieldName | undefined;
      if (name && !errors[name] && GATE_FIELDS.some((field) => field.name === name)) errors[name] = messageOf(issue);
    }
  }
  return { ok: false, errors };
}

function messageOf(issue: { code: string; message: string; minimum?: unknown; maximum?: unknown }): string {
  if (issue.code === 'too_small') return `Must be at least ${String(issue.minimum)}.`;
  if (issue.code === 'too_big') return `Must be at most ${String(issue.maximum)}.`;
  if (issue.code === 'invalid_type' && /int/i.test(issue.message)) return 'Must be a whole number.';
  return issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
}

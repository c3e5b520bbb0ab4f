// Which edits of a model's online gate loosen it (a canary judged more kindly,
// or rolled back later): the online counterpart of policy-loosening.ts. Such an
// edit needs a second admin (docs/two-person-rule.md, rule 10); tightening
// applies at once. Compares the effective gates (null = the type's default).
import type { OnlineGatePolicy } from '../domain/online-gate.js';
import { defaultOnlineGatePolicy } from './online-gate.js';

/** Sentences naming each way `after` is looser than `before` for a model of `modelType`; empty when it is not. */
export function onlineGateLoosening(modelType: string, before: OnlineGatePolicy | null, after: OnlineGatePolicy | null): string[] {
  const was = before ?? defaultOnlineGatePolicy(modelType);
  const now = after ?? defaultOnlineGatePolicy(modelType);
  const reasons: string[] = [];
  const higher = (name: 'max_error_rate_increase_pts' | 'max_p95_latency_ratio' | 'latency_noise_floor_ms' | 'fail_intervals') => {
    if (now[name] > was[name]) reasons.push(`online gate: ${name} ${was[name]} → ${now[name]}`);
  };
  const lower = (name: 'min_requests' | 'bake_intervals' | 'interval_s') => {
    if (now[name] < was[name]) reasons.push(`online gate: ${name} ${was[name]} → ${now[name]}`);
  };
  lower('min_requests');
  higher('max_error_rate_increase_pts');
  higher('max_p95_latency_ratio');
  higher('latency_noise_floor_ms');
  // Shorter intervals shorten the bake (bake_intervals × interval_s) a canary must pass.
  lower('interval_s');
  lower('bake_intervals');
  higher('fail_intervals');
  const metricWas = was.business_metric;
  const metricNow = now.business_metric;
  if (metricWas !== undefined) {
    if (metricNow === undefined || metricNow.metric !== metricWas.metric) reasons.push(`online gate: business metric ${metricWas.metric} no longer checked`);
    else if (metricNow.max_drop_pct > metricWas.max_drop_pct) reasons.push(`online gate: ${metricWas.metric} max_drop_pct ${metricWas.max_drop_pct} → ${metricNow.max_drop_pct}`);
  }
  return reasons;
}

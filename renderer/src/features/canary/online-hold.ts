// Whether the console offers the next rollout step yet (DESIGN §9): a live
// step with live metrics must bake first. The BFF never advances on its own.
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { StepAnalysisSummary } from '../../../../shared/domain/online-gate.js';
import { bakeProgressText } from '../../../../shared/logic/online-gate.js';

/**
 * Why the next step is not offered yet: the live step has live metrics and has
 * not baked (DESIGN §9). A step without any metrics source is not held.
 */
export function onlineHold(deployment: Deployment, analysis: StepAnalysisSummary | null): string | null {
  if (!analysis || analysis.state_version !== deployment.state_version || analysis.intervals_evaluated === 0 || analysis.status === 'baked') return null;
  return `Offered once the online analysis has baked this step: ${bakeProgressText(analysis, analysis.policy)}.`;
}

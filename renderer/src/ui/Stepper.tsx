// The rollout plan as steps (5 -> 25 -> 50 -> 100 %), showing where the model is.
import type { ReactElement } from 'react';
import { formatTraffic } from '../lib/format.js';
import { Icon } from './Icon.js';

export type StepperProps = {
  steps: readonly number[];
  /** Index of the step the deployment is at; -1 before the first (stable only). */
  current: number;
  /** Index the pending request would move to, shown as "requested". */
  requested?: number | null;
};

export function Stepper({ steps, current, requested = null }: StepperProps): ReactElement {
  return (
    <ol className="stepper" aria-label="Rollout plan">
      <li className={`stepper-step ${current < 0 ? 'is-current' : 'is-done'}`} aria-current={current < 0 ? 'step' : undefined}>
        <span className="stepper-dot">{current >= 0 ? <Icon name="check" size={12} /> : null}</span>
        <span className="stepper-label">Stable</span>
      </li>
      {steps.map((step, index) => {
        const state = index < current ? 'is-done' : index === current ? 'is-current' : 'is-upcoming';
        const isRequested = requested === index;
        return (
          <li
            key={step}
            className={`stepper-step ${state}${isRequested ? ' is-requested' : ''}`}
            aria-current={index === current ? 'step' : undefined}
            title={step === 100 ? 'Promoted: all traffic' : `Canary at ${formatTraffic(step)} of traffic`}
          >
            <span className="stepper-dot">{index < current ? <Icon name="check" size={12} /> : null}</span>
            <span className="stepper-label num">
              <span className="visually-hidden">{step === 100 ? 'Promoted, ' : 'Canary at '}</span>
              {formatTraffic(step)}
              {isRequested && <span className="stepper-note"> (requested)</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

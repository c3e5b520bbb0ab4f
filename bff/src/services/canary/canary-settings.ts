// Settings of the online canary analysis loop (README, "Online canary
// analysis"); the interval of each model's verdicts is in its online gate.
export interface CanaryAnalysisSettings {
  /** How often the loop looks for steps due for a verdict (each model's own interval decides when one is due). */
  tickMs: number;
  /** How long a claimed analysis row stays with its evaluator; longer than one evaluation. */
  leaseMs: number;
  /** Retention: live samples and verdicts kept per model (the oldest go first). */
  keepSamplesPerModel: number;
  keepEvaluationsPerModel: number;
}

export const DEFAULT_CANARY_ANALYSIS_SETTINGS: CanaryAnalysisSettings = {
  tickMs: 1000,
  leaseMs: 30_000,
  keepSamplesPerModel: 5000,
  keepEvaluationsPerModel: 1000,
};

const NUMERIC: Array<[keyof CanaryAnalysisSettings, string, number, number]> = [
  ['tickMs', 'BFF_CANARY_TICK_MS', 10, 3_600_000],
  ['leaseMs', 'BFF_CANARY_LEASE_MS', 100, 3_600_000],
  ['keepSamplesPerModel', 'BFF_CANARY_KEEP_SAMPLES', 10, 1_000_000],
  ['keepEvaluationsPerModel', 'BFF_CANARY_KEEP_EVALUATIONS', 10, 1_000_000],
];

export function canaryAnalysisSettingsFromEnv(env: NodeJS.ProcessEnv): CanaryAnalysisSettings {
  const settings: CanaryAnalysisSettings = { ...DEFAULT_CANARY_ANALYSIS_SETTINGS };
  for (const [key, name, min, max] of NUMERIC) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer between ${min} and ${max}`);
    settings[key] = value;
  }
  return settings;
}

import type { TrainConfig } from '../contract/shapes.js';

/** The KL weight at a fractional epoch (0-based) under β and a linear warm-up. */
export function klWeightAt(cfg: Pick<TrainConfig, 'beta' | 'warmupEpochs'>, epochProgress: number): number {
  if (cfg.warmupEpochs <= 0) return cfg.beta;
  return cfg.beta * Math.min(1, Math.max(0, epochProgress) / cfg.warmupEpochs);
}

/** Zod issues as the engine's sentences; the contract words them, so the form and the engine agree. */
export { describeIssues } from '../contract/fields.js';

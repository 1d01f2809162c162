import type { z } from 'zod';
import type { TrainConfig } from '../contract/shapes.js';

/** The KL weight at a fractional epoch (0-based) under β and a linear warm-up. */
export function klWeightAt(cfg: Pick<TrainConfig, 'beta' | 'warmupEpochs'>, epochProgress: number): number {
  if (cfg.warmupEpochs <= 0) return cfg.beta;
  return cfg.beta * Math.min(1, Math.max(0, epochProgress) / cfg.warmupEpochs);
}

/** Formats zod issues as one sentence naming each bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

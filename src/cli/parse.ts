import { UserError } from '../contract/errors.js';

/** Strict option parsers: a bad value is a one-line error naming the option. */
export function intOption(flag: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v.trim())) throw new UserError('BAD_CONFIG', `${flag}: expected a whole number, got "${v}".`);
    return Number(v);
  };
}

export function numberOption(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UserError('BAD_CONFIG', `${flag}: expected a number, got "${v}".`);
    return n;
  };
}

export function numberListOption(flag: string, integer = false) {
  return (v: string): number[] => {
    const parts = v.split(',').map((s) => s.trim());
    return parts.map((p) => (integer ? intOption(flag)(p) : numberOption(flag)(p)));
  };
}

export function choiceOption<T extends string>(flag: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!(choices as readonly string[]).includes(v)) throw new UserError('BAD_CONFIG', `${flag}: expected one of ${choices.join(', ')}, got "${v}".`);
    return v as T;
  };
}

/** Maps config field names back to the flags a person typed, for validation messages. */
export const FLAG_OF: Record<string, string> = {
  latentDim: '--latent',
  hidden: '--hidden',
  activation: '--activation',
  arch: '--arch',
  filters: '--filters',
  likelihood: '--likelihood',
  learnSigma: '--learn-sigma',
  sigma: '--sigma',
  epochs: '--epochs',
  batchSize: '--batch',
  learningRate: '--lr',
  beta: '--beta',
  warmupEpochs: '--warmup',
  seed: '--seed',
  limit: '--limit',
};

import { ACTIVE_UNIT_VARIANCE } from '../contract/figures.js';
import type { Encoded } from './ops.js';

export interface LatentHealth {
  /** KL(q(z_d|x) ‖ N(0, 1)) per dim, averaged over the images, in nats. */
  klPerDim: number[];
  /** The variance over the images of each dim's posterior mean. */
  varianceOfMeans: number[];
  /** How many dims are active (variance of means above ACTIVE_UNIT_VARIANCE). */
  activeUnits: number;
}

/** Per-dim KL and active units of an encoded set, the figures behind a posterior-collapse warning. */
export function latentHealth(enc: Encoded): LatentHealth {
  const { count: n, latentDim: k, mean, logVar } = enc;
  const kl = new Float64Array(k);
  const sum = new Float64Array(k);
  const sq = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < k; d++) {
      const m = mean[i * k + d]!;
      const lv = logVar[i * k + d]!;
      kl[d]! += 0.5 * (Math.exp(lv) + m * m - 1 - lv);
      sum[d]! += m;
      sq[d]! += m * m;
    }
  }
  const varianceOfMeans = Array.from(sum, (s, d) => Math.max(0, sq[d]! / n - (s / n) ** 2));
  return {
    klPerDim: Array.from(kl, (v) => v / n),
    varianceOfMeans,
    activeUnits: varianceOfMeans.filter((v) => v > ACTIVE_UNIT_VARIANCE).length,
  };
}

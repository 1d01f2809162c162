// The scatter's axes, as numbers: where the ticks go and what they read.
// Pure, so that what a published figure says about its scale is tested
// without a GPU; overlays.ts draws it.

/**
 * The tick step for a span: the smallest 1, 2 or 5 × 10^k that cuts it into
 * at most `target` intervals, so an axis carries a few readable numbers.
 */
export function niceStep(span: number, target = 5): number {
  const rough = Math.abs(span) / Math.max(1, target);
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const r = rough / mag - 1e-9;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

export interface AxisTicks {
  /** Where the axis starts and ends: the ticks just outside the data's range. */
  lo: number;
  hi: number;
  step: number;
  /** lo, lo + step, …, hi. */
  values: number[];
  /** The values as printed, with as many decimals as the step needs. */
  labels: string[];
}

/** Ticks at multiples of a nice step that span [min, max]; a range of one value gets a unit around it. */
export function niceTicks(min: number, max: number, target = 5): AxisTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceTicks(0, 1, target);
  if (max - min < 1e-9 * Math.max(1, Math.abs(min))) {
    min -= 0.5;
    max += 0.5;
  }
  const step = niceStep(max - min, target);
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k++) values.push(parseFloat((k * step).toPrecision(12)));
  return { lo: values[0]!, hi: values.at(-1)!, step, values, labels: values.map((v) => tickLabel(v, step)) };
}

/** A tick's number: the decimals the step needs, a true minus sign, and no "−0". */
export function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = Math.abs(value) < step / 1e6 ? (0).toFixed(decimals) : value.toFixed(decimals);
  return text.startsWith('-') ? `\u2212${text.slice(1)}` : text;
}

/** Each scene axis's ticks, over the points' range on it: x and y, and z when the scene has 3 dims. */
export function axisTicks(positions: Float32Array, sceneDims: 2 | 3): AxisTicks[] {
  const n = Math.floor(positions.length / 3);
  const out: AxisTicks[] = [];
  for (let a = 0; a < sceneDims; a++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = positions[i * 3 + a]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    out.push(n > 0 ? niceTicks(min, max) : niceTicks(0, 1));
  }
  return out;
}

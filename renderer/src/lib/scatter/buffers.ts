import { labelColor } from '../palette.js';

export interface PointBuffers {
  /** count × 3 positions, as given. */
  position: Float32Array;
  /** count × 3 RGB in [0, 1]. */
  color: Float32Array;
  /** One value per point: 1 shown, 0 hidden (a hidden point is not drawn and cannot be picked). */
  visible: Float32Array;
}

/**
 * Turns latent positions and labels into the flat arrays the scatter's
 * geometry uses. Unlabelled points are grey; hidden classes get visible = 0.
 */
export function buildBuffers(positions: Float32Array, labels: Int32Array | null, hidden: ReadonlySet<number>): PointBuffers {
  const count = positions.length / 3;
  const color = new Float32Array(count * 3);
  const visible = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels ? labels[i]! : -1;
    const [r, g, b] = label >= 0 ? labelColor(label) : [0.6, 0.6, 0.6];
    color[i * 3] = r;
    color[i * 3 + 1] = g;
    color[i * 3 + 2] = b;
    visible[i] = label >= 0 && hidden.has(label) ? 0 : 1;
  }
  return { position: positions, color, visible };
}

/** Centre and radius of the points (for framing the camera). */
export function bounds(positions: Float32Array): { center: [number, number, number]; radius: number } {
  const n = positions.length / 3;
  if (n === 0) return { center: [0, 0, 0], radius: 1 };
  const c: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k]! += positions[i * 3 + k]! / n;
  let r = 0;
  for (let i = 0; i < n; i++) {
    const dx = positions[i * 3]! - c[0];
    const dy = positions[i * 3 + 1]! - c[1];
    const dz = positions[i * 3 + 2]! - c[2];
    r = Math.max(r, Math.hypot(dx, dy, dz));
  }
  return { center: c, radius: Math.max(r, 1e-3) };
}

/** The distinct labels present, sorted, with their counts. */
export function labelCounts(labels: Int32Array | null): { label: number; count: number }[] {
  if (!labels) return [];
  const m = new Map<number, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([label, count]) => ({ label, count }));
}

/**
 * Each point's posterior σ, one number: the geometric mean over the latent
 * dims of exp(logVar / 2), so that one very wide dim does not swamp the rest.
 */
export function posteriorSigma(logVar: Float32Array, count: number, latentDim: number): Float32Array {
  const out = new Float32Array(count);
  if (latentDim <= 0) return out.fill(1);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let d = 0; d < latentDim; d++) sum += logVar[i * latentDim + d]!;
    out[i] = Math.exp(sum / latentDim / 2);
  }
  return out;
}

function median(values: Float32Array): number {
  if (values.length === 0) return 1;
  const sorted = Float32Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** What the posterior σ does to each point: scales its size, or its opacity, or nothing. */
export type UncertaintyMode = 'none' | 'size' | 'opacity';

/**
 * Per-point size and opacity factors that show how uncertain each encoding
 * is, relative to the typical one (the median σ): with 'size', σ / median
 * (0.3 to 3); with 'opacity', median / σ (0.1 to 1), so the uncertain fade.
 * Null where the mode leaves that factor alone.
 */
export function uncertaintyScales(
  logVar: Float32Array,
  count: number,
  latentDim: number,
  mode: UncertaintyMode,
): { size: Float32Array | null; alpha: Float32Array | null } {
  if (mode === 'none' || count === 0) return { size: null, alpha: null };
  const sigma = posteriorSigma(logVar, count, latentDim);
  const med = median(sigma);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = mode === 'size' ? clamp(sigma[i]! / med, 0.3, 3) : clamp(med / sigma[i]!, 0.1, 1);
  }
  return mode === 'size' ? { size: out, alpha: null } : { size: null, alpha: out };
}

/**
 * The selection as the scatter draws it: one byte per row shown (1: chosen),
 * from image numbers, where row r shows image `first + r`; images not shown
 * are left out. Null when none of the rows is chosen.
 */
export function chosenRows(images: Iterable<number>, first: number, count: number): Uint8Array | null {
  const rows = new Uint8Array(count);
  let any = false;
  for (const i of images) {
    const r = i - first;
    if (r >= 0 && r < count) {
      rows[r] = 1;
      any = true;
    }
  }
  return any ? rows : null;
}

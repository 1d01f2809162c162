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

export type Vec3 = [number, number, number];

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

/**
 * Where a ray meets the plane through `target` whose normal is the viewing
 * direction: the plane that faces the camera. Null when the ray runs parallel
 * to it or points away.
 */
export function rayPlanePoint(origin: Vec3, direction: Vec3, target: Vec3, normal: Vec3): Vec3 | null {
  const denom = dot(direction, normal);
  if (Math.abs(denom) < 1e-9) return null;
  const t = dot(sub(target, origin), normal) / denom;
  if (t < 0) return null;
  return [origin[0] + t * direction[0], origin[1] + t * direction[1], origin[2] + t * direction[2]];
}

/**
 * The index of the visible point nearest to a ray, among those within
 * `threshold` of it (perpendicular distance), preferring the one closest to
 * the camera when several are equally near. -1 when none is close enough.
 */
export function nearestToRay(positions: Float32Array, visible: Float32Array | null, origin: Vec3, direction: Vec3, threshold: number): number {
  const len = Math.hypot(...direction);
  const d: Vec3 = [direction[0] / len, direction[1] / len, direction[2] / len];
  let best = -1;
  let bestDist = threshold;
  let bestT = Infinity;
  const n = positions.length / 3;
  for (let i = 0; i < n; i++) {
    if (visible && visible[i] === 0) continue;
    const v: Vec3 = [positions[i * 3]! - origin[0], positions[i * 3 + 1]! - origin[1], positions[i * 3 + 2]! - origin[2]];
    const t = dot(v, d);
    if (t < 0) continue;
    const dist = Math.hypot(v[0] - t * d[0], v[1] - t * d[1], v[2] - t * d[2]);
    if (dist < bestDist - 1e-9 || (Math.abs(dist - bestDist) <= 1e-9 && t < bestT)) {
      best = i;
      bestDist = dist;
      bestT = t;
    }
  }
  return best;
}

/** Latent coordinates of a scatter point, for a model with `dim` ≤ 3 latent dims. */
export function sceneToLatent(p: Vec3, dim: number): Float32Array {
  return Float32Array.from(p.slice(0, dim));
}

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

/** Latent coordinates of a scatter point, for a model with `dim` ≤ 3 latent dims. */
export function sceneToLatent(p: Vec3, dim: number): Float32Array {
  return Float32Array.from(p.slice(0, dim));
}

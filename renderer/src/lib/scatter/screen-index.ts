// The Node type check (tests import this module) does not include renderer/, so the typings are named here.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./point-in-polygon.d.ts" />
import KDBush from 'kdbush';
import pointInPolygon from 'point-in-polygon';

/** Points closer together on screen than this (CSS px) count as one spot: the one nearer the camera is picked. */
const TIE_PX = 0.5;

/**
 * The visible points where the screen shows them: CSS pixels from the
 * canvas's top left, indexed (KDBush) so that a pick, a box or a lasso looks
 * at the few points near it rather than at all of them. Built once per camera
 * pose and set of points; a point behind the camera, outside the near and far
 * planes, or hidden is left out, since none of them is drawn.
 */
export class ScreenIndex {
  /** The row (in the points' arrays) of each indexed point. */
  readonly rows: Uint32Array;
  /** x, y of each indexed point, in CSS pixels. */
  readonly xy: Float64Array;
  /** Normalised depth of each indexed point, -1 at the near plane to 1 at the far one. */
  readonly depth: Float64Array;
  readonly #index: KDBush | null;

  /**
   * `viewProj` is the camera's projection × view matrix, column-major (as
   * THREE.Matrix4.elements); `width` and `height` the canvas in CSS pixels.
   */
  constructor(positions: Float32Array, visible: Float32Array | null, viewProj: ArrayLike<number>, width: number, height: number) {
    const m = viewProj;
    const n = Math.floor(positions.length / 3);
    const rows = new Uint32Array(n);
    const xy = new Float64Array(n * 2);
    const depth = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (visible && visible[i]! < 0.5) continue;
      const x = positions[i * 3]!;
      const y = positions[i * 3 + 1]!;
      const z = positions[i * 3 + 2]!;
      const w = m[3]! * x + m[7]! * y + m[11]! * z + m[15]!;
      if (!(w > 1e-12)) continue; // behind the camera (or at it)
      const cz = (m[2]! * x + m[6]! * y + m[10]! * z + m[14]!) / w;
      if (cz < -1 || cz > 1) continue; // clipped by the near or far plane
      const cx = (m[0]! * x + m[4]! * y + m[8]! * z + m[12]!) / w;
      const cy = (m[1]! * x + m[5]! * y + m[9]! * z + m[13]!) / w;
      rows[k] = i;
      xy[k * 2] = ((cx + 1) / 2) * width;
      xy[k * 2 + 1] = ((1 - cy) / 2) * height;
      depth[k] = cz;
      k++;
    }
    this.rows = rows.slice(0, k);
    this.xy = xy.slice(0, k * 2);
    this.depth = depth.slice(0, k);
    if (k === 0) {
      this.#index = null;
      return;
    }
    const index = new KDBush(k);
    for (let j = 0; j < k; j++) index.add(this.xy[j * 2]!, this.xy[j * 2 + 1]!);
    this.#index = index.finish();
  }

  /** How many points are on screen. */
  get count(): number {
    return this.rows.length;
  }

  /**
   * The row of the point nearest to (x, y) on screen within `radius` CSS px,
   * the one nearer the camera where two lie as near; -1 when none is.
   */
  nearest(x: number, y: number, radius: number): number {
    if (!this.#index) return -1;
    let best = -1;
    let bestDist = Infinity;
    for (const j of this.#index.within(x, y, radius)) {
      const d = Math.hypot(this.xy[j * 2]! - x, this.xy[j * 2 + 1]! - y);
      const tie = Math.abs(d - bestDist) <= TIE_PX;
      if ((tie && this.depth[j]! < this.depth[best]!) || (!tie && d < bestDist)) {
        best = j;
        bestDist = d;
      }
    }
    return best < 0 ? -1 : this.rows[best]!;
  }

  /** Rows of the points inside the box with these corners (in any order), edges included, in row order. */
  inBox(x0: number, y0: number, x1: number, y1: number): number[] {
    if (!this.#index) return [];
    const found = this.#index.range(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
    return found.map((j) => this.rows[j]!).sort((a, b) => a - b);
  }

  /** Rows of the points inside the polygon (its corners in order, closed by itself), in row order. */
  inPolygon(corners: readonly (readonly [number, number])[]): number[] {
    if (!this.#index || corners.length < 3) return [];
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const [x, y] of corners) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    const out: number[] = [];
    for (const j of this.#index.range(x0, y0, x1, y1)) {
      if (pointInPolygon([this.xy[j * 2]!, this.xy[j * 2 + 1]!], corners)) out.push(this.rows[j]!);
    }
    return out.sort((a, b) => a - b);
  }
}

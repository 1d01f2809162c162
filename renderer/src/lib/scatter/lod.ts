/** Points on screen as a ScreenIndex holds them: rows, CSS pixel places and depths. */
export interface ScreenPoints {
  readonly rows: ArrayLike<number>;
  /** x, y of each, in CSS pixels from the canvas's top left. */
  readonly xy: ArrayLike<number>;
  /** Normalised depth of each: smaller is nearer the camera. */
  readonly depth: ArrayLike<number>;
}

/**
 * Which points to draw as thumbnails: at most `cap`, none overlapping
 * another (their centres at least `side` CSS px apart along x or y), among
 * the points whose centre lies on the `width` × `height` canvas. The nearer
 * a point is to the camera the sooner it gets its place, so a thumbnail in
 * front is never pushed out by one behind it. Hidden points, and points
 * behind the camera, are not in a ScreenIndex to begin with.
 *
 * A grid of `side`-sized buckets keeps each test to the few thumbnails
 * already placed around it. Returns rows, nearest first.
 */
export function chooseThumbnails(points: ScreenPoints, width: number, height: number, side: number, cap: number): number[] {
  const { rows, xy, depth } = points;
  const s = Math.max(1, side);
  const inView: number[] = [];
  for (let j = 0; j < rows.length; j++) {
    const x = xy[j * 2]!;
    const y = xy[j * 2 + 1]!;
    if (x >= 0 && x <= width && y >= 0 && y <= height) inView.push(j);
  }
  // Nearest first; equal depths in row order, so the same view always chooses the same.
  inView.sort((a, b) => depth[a]! - depth[b]! || rows[a]! - rows[b]!);
  const cols = Math.ceil(width / s) + 2;
  const buckets = new Map<number, number[]>();
  const out: number[] = [];
  for (const j of inView) {
    if (out.length >= cap) break;
    const x = xy[j * 2]!;
    const y = xy[j * 2 + 1]!;
    const gx = Math.floor(x / s) + 1;
    const gy = Math.floor(y / s) + 1;
    let free = true;
    for (let dy = -1; dy <= 1 && free; dy++) {
      for (let dx = -1; dx <= 1 && free; dx++) {
        for (const k of buckets.get((gy + dy) * cols + gx + dx) ?? []) {
          if (Math.abs(xy[k * 2]! - x) < s && Math.abs(xy[k * 2 + 1]! - y) < s) {
            free = false;
            break;
          }
        }
      }
    }
    if (!free) continue;
    const key = gy * cols + gx;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(j);
    else buckets.set(key, [j]);
    out.push(rows[j]!);
  }
  return out;
}

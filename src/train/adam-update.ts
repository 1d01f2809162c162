/**
 * Adam's update over a range of one variable's elements, shared by the
 * engine's thread and the helper thread that takes half of each update on the
 * threaded wasm backend (adam-thread.ts).
 */

export const BETA1 = 0.9;
export const BETA2 = 0.999;
export const EPS = 1e-8;
/** Moments below this become exactly zero (see `Adam` in adam.ts). */
export const TINY = 1e-30;

/** Step size and ε with the bias corrections of step t folded in. */
export function corrected(lr: number, t: number): { step: number; epsHat: number } {
  const c2 = Math.sqrt(1 - BETA2 ** t);
  return { step: (lr * c2) / (1 - BETA1 ** t), epsHat: EPS * c2 };
}

/** Where one variable's numbers lie, as element indices: weights, gradient and new weights in the backend's memory; moments in m and v. */
export interface Segment {
  w: number;
  g: number;
  out: number;
  mv: number;
  from: number;
  to: number;
}

/** One Adam step over elements [from, to) of a segment, reading w and g and writing out, m and v. */
export function updateRange(heap: Float32Array, m: Float32Array, v: Float32Array, s: Segment, step: number, epsHat: number): void {
  // Views from 0 of each range: V8 compiles the loop tighter than with offsets into one big array (1.5× faster here).
  const n = s.to - s.from;
  const W = heap.subarray(s.w + s.from, s.w + s.to);
  const G = heap.subarray(s.g + s.from, s.g + s.to);
  const O = heap.subarray(s.out + s.from, s.out + s.to);
  const M = m.subarray(s.mv + s.from, s.mv + s.to);
  const V = v.subarray(s.mv + s.from, s.mv + s.to);
  // Module constants copied to locals: read in the loop, each would be a context load with a check.
  const b1 = BETA1;
  const b2 = BETA2;
  const tiny = TINY;
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  for (let j = 0; j < n; j++) {
    const gj = G[j]!;
    let mj = b1 * M[j]! + a1 * gj;
    let vj = b2 * V[j]! + a2 * gj * gj;
    // Written as selects, not `if`s: m's sign is a coin toss, and a branch on it was mispredicted half the time (3× slower).
    mj = Math.abs(mj) < tiny ? 0 : mj;
    vj = vj < tiny ? 0 : vj;
    M[j] = mj;
    V[j] = vj;
    O[j] = W[j]! - (step * mj) / (Math.sqrt(vj) + epsHat);
  }
}

/** The numbers of a job as laid out in shared memory: step, ε̂, segment count, heap bytes needed, then 6 per segment. */
export const JOB_HEADER = 4;
export const SEGMENT_FIELDS = 6;

export function writeJob(job: Float64Array, step: number, epsHat: number, heapBytes: number, segments: Segment[]): void {
  job[0] = step;
  job[1] = epsHat;
  job[2] = segments.length;
  job[3] = heapBytes;
  segments.forEach((s, i) => job.set([s.w, s.g, s.out, s.mv, s.from, s.to], JOB_HEADER + SEGMENT_FIELDS * i));
}

export function readJob(job: Float64Array): { step: number; epsHat: number; heapBytes: number; segments: Segment[] } {
  const segments: Segment[] = [];
  for (let i = 0; i < job[2]!; i++) {
    const at = JOB_HEADER + SEGMENT_FIELDS * i;
    segments.push({ w: job[at]!, g: job[at + 1]!, out: job[at + 2]!, mv: job[at + 3]!, from: job[at + 4]!, to: job[at + 5]! });
  }
  return { step: job[0]!, epsHat: job[1]!, heapBytes: job[3]!, segments };
}

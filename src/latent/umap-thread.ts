// The UMAP thread: fits UMAP to the encoded means it is given (a seeded
// sample of them when there are many), places the rest with UMAP's
// transform, and then places any later points the same way until it is
// ended. It reports its progress as it goes. Off the engine's thread, so
// decodes stay answered while a fit takes its seconds.
import { parentPort, workerData } from 'node:worker_threads';
import { UMAP } from 'umap-js';
import { Rng } from '../util/rng.js';
import type { UmapJob, UmapReply, UmapRequest } from './umap.js';

const job = (workerData as { data: UmapJob }).data;
const port = parentPort!;
const send = (m: UmapReply) => port.postMessage(m);

const { mean, count, dim, dims, seed, neighbours, sample } = job;
const rows = (z: Float32Array, picks: ArrayLike<number>) => Array.from(picks as number[], (i) => Array.from(z.subarray(i * dim, (i + 1) * dim)));

/** The seeded sample UMAP is fitted on: all points when they are few, else `sample` of them, in index order. */
function sampleOf(n: number): Int32Array {
  if (n <= sample) return Int32Array.from({ length: n }, (_, i) => i);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const pick = new Rng(seed ^ 0x5bd1e995);
  for (let i = 0; i < sample; i++) {
    const j = i + Math.floor(pick.next() * (n - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.subarray(0, sample).sort();
}

/** Copies a UMAP embedding into scene rows (x, y, z; z stays 0 in 2D). */
function put(out: Float32Array, at: ArrayLike<number>, embedding: number[][]): void {
  for (let r = 0; r < embedding.length; r++) {
    const e = embedding[r]!;
    for (let c = 0; c < dims; c++) out[at[r]! * 3 + c] = e[c]!;
  }
}

try {
  const fitOn = sampleOf(count);
  const rng = new Rng(seed);
  const umap = new UMAP({ nComponents: dims, nNeighbors: Math.min(neighbours, fitOn.length - 1), random: () => rng.next(), minDist: 0.1 });
  send({ kind: 'progress', stage: 'fitting', done: 0, total: 1 });
  const epochs = umap.initializeFit(rows(mean, fitOn));
  let last = 0;
  for (let e = 0; e < epochs; e++) {
    umap.step();
    const now = Date.now();
    if (now - last > 100) {
      last = now;
      send({ kind: 'progress', stage: 'fitting', done: e + 1, total: epochs });
    }
  }
  const positions = new Float32Array(count * 3);
  put(positions, fitOn, umap.getEmbedding());
  // The rest, in chunks, each placed by UMAP's transform against the fitted points.
  const inSample = new Uint8Array(count);
  for (const i of fitOn) inSample[i] = 1;
  const rest = Int32Array.from({ length: count }, (_, i) => i).filter((i) => !inSample[i]);
  const chunk = 2000;
  for (let at = 0; at < rest.length; at += chunk) {
    send({ kind: 'progress', stage: 'placing', done: at, total: rest.length });
    const part = rest.subarray(at, at + chunk);
    put(positions, part, umap.transform(rows(mean, part)));
  }
  send({ kind: 'fitted', positions, fittedOn: fitOn.length });
  port.on('message', (m: UmapRequest) => {
    const n = m.z.length / dim;
    const out = new Float32Array(n * 3);
    const placed = umap.transform(Array.from({ length: n }, (_, i) => Array.from(m.z.subarray(i * dim, (i + 1) * dim))));
    put(
      out,
      Int32Array.from({ length: n }, (_, i) => i),
      placed,
    );
    send({ kind: 'placed', id: m.id, positions: out });
  });
} catch (err) {
  send({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
}

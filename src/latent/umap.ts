import type { Worker } from 'node:worker_threads';
import { UserError } from '../contract/errors.js';
import { startTsWorker } from '../util/ts-worker.js';
import type { Placement } from './projection.js';

/** What the UMAP thread is given. */
export interface UmapJob {
  mean: Float32Array;
  count: number;
  dim: number;
  dims: 2 | 3;
  seed: number;
  neighbours: number;
  /** At most this many points are fitted; the rest are placed with UMAP's transform. */
  sample: number;
}

export type UmapReply =
  | { kind: 'progress'; stage: 'fitting' | 'placing'; done: number; total: number }
  | { kind: 'fitted'; positions: Float32Array; fittedOn: number }
  | { kind: 'placed'; id: number; positions: Float32Array }
  | { kind: 'failed'; message: string };

export interface UmapRequest {
  id: number;
  z: Float32Array;
}

/** Points a UMAP is fitted on by default; beyond them the rest are placed with its transform (minutes become seconds). */
export const UMAP_SAMPLE = 10_000;

export interface UmapOptions {
  dims: 2 | 3;
  seed: number;
  neighbours: number;
  sample?: number;
  onProgress?: (stage: 'fitting' | 'placing', done: number, total: number) => void;
}

/**
 * Fits UMAP to `count` latent means in a thread of its own, seeded: the same
 * means and seed give the same picture. Past `sample` points it is fitted on
 * a seeded sample and the rest placed with UMAP's transform.
 */
export function placeUmap(mean: Float32Array, count: number, dim: number, opts: UmapOptions): { done: Promise<Placement>; end(): void } {
  const min = 4;
  if (count < min) throw new UserError('BAD_REQUEST', `UMAP needs at least ${min} points; there are ${count}.`);
  const job: UmapJob = { mean, count, dim, dims: opts.dims, seed: opts.seed, neighbours: opts.neighbours, sample: opts.sample ?? UMAP_SAMPLE };
  const entry = new URL(import.meta.url.endsWith('.ts') ? './umap-thread.ts' : './umap-thread.mjs', import.meta.url);
  const worker: Worker = startTsWorker(entry, job);
  let ended = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve(p: Float32Array): void; reject(e: Error): void }>();
  const end = () => {
    if (ended) return;
    ended = true;
    void worker.terminate();
    for (const w of waiting.values()) w.reject(new UserError('STOPPED', 'The UMAP these points were placed with has been replaced.'));
    waiting.clear();
  };
  const done = new Promise<Placement>((resolve, reject) => {
    worker.on('message', (m: UmapReply) => {
      if (m.kind === 'progress') opts.onProgress?.(m.stage, m.done, m.total);
      else if (m.kind === 'failed') {
        end();
        reject(new UserError('BAD_REQUEST', `UMAP could not be fitted: ${m.message}`));
      } else if (m.kind === 'placed') {
        waiting.get(m.id)?.resolve(m.positions);
        waiting.delete(m.id);
      } else {
        // From here it only sits ready to place later points: nothing need wait on it.
        worker.unref();
        const fittedOn = m.fittedOn;
        resolve({
          positions: m.positions,
          info: {
            method: 'umap',
            sceneDims: opts.dims,
            axisNames: Array.from({ length: opts.dims }, (_, c) => `UMAP ${c + 1}`),
            axes: null,
            center: null,
            components: null,
            explained: null,
            seed: opts.seed,
            neighbours: opts.neighbours,
            fittedOn,
          },
          project: (z, n) =>
            ended
              ? Promise.reject(new UserError('STOPPED', 'The UMAP these points were placed with has been replaced.'))
              : new Promise((res, rej) => {
                  const id = nextId++;
                  waiting.set(id, {
                    resolve: (p) => {
                      if (waiting.size <= 1) worker.unref();
                      res(p);
                    },
                    reject: rej,
                  });
                  worker.ref();
                  worker.postMessage({ id, z: z.slice(0, n * dim) } satisfies UmapRequest);
                }),
          end,
        });
      }
    });
    worker.on('error', (e) => {
      end();
      reject(new UserError('BAD_REQUEST', `UMAP could not be fitted: ${e.message}`));
    });
    worker.on('exit', () => {
      if (!ended) end();
      reject(new UserError('STOPPED', 'The UMAP fit was stopped: another projection was asked for.'));
    });
  });
  return { done, end };
}

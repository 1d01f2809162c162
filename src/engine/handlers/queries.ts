import { nearest } from '../../latent/neighbours.js';
import { latentHealth } from '../../latent/health.js';
import { existsSync } from 'node:fs';
import type { Output } from '../../contract/index.js';
import { LIMITS } from '../../contract/limits.js';
import { imagesOf, pixelsPerImage, subset } from '../../data/dataset.js';
import { DEBIAN_FASHION_DIR, hasStandardFiles } from '../../data/load.js';
import { decodeZ, encodeSet, reconstruct } from '../../latent/ops.js';
import { projectTo3d } from '../../latent/projection.js';
import { UserError } from '../../contract/errors.js';
import type { SessionState } from '../session-state.js';
import type { Handlers } from './types.js';

type QueryMethods = 'getSession' | 'listDatasets' | 'latentPoints' | 'decode' | 'reconstruct' | 'testImages' | 'neighbours' | 'reconstructionStrip';

function checkIndex(i: number, count: number): void {
  if (i >= count) throw new UserError('BAD_REQUEST', `Test image ${i} does not exist; there are ${count}.`);
}

/**
 * The requests that read the session and decode with the live weights: they
 * run at once, between training batches, without waiting for the queue.
 */
export function queryHandlers(s: SessionState): Handlers<QueryMethods> {
  return {
    getSession: async () => s.snapshot(),

    listDatasets: async (): Promise<Output<'listDatasets'>> => {
      const fashion = existsSync(DEBIAN_FASHION_DIR) && hasStandardFiles(DEBIAN_FASHION_DIR);
      return [
        { id: 'mnist', name: 'MNIST', available: true, detail: 'Handwritten digits, 60,000 training and 10,000 test images (built in).' },
        {
          id: 'fashion',
          name: 'Fashion-MNIST',
          available: fashion,
          detail: fashion ? `Clothing images from ${DEBIAN_FASHION_DIR}.` : "Install Debian's dataset-fashion-mnist package to use it.",
        },
      ];
    },

    latentPoints: async () => {
      const { vae, dataset } = s.requireModel();
      const enc = await encodeSet(vae, dataset.test, 1000);
      const projected = projectTo3d(enc.mean, enc.count, enc.latentDim);
      s.projector = projected.project;
      return {
        count: enc.count,
        latentDim: enc.latentDim,
        mean: enc.mean,
        logVar: enc.logVar,
        labels: dataset.test.labels,
        positions: projected.positions,
        health: latentHealth(enc),
        projection: projected.projection,
        explained: projected.explained,
      };
    },

    decode: async (input) => {
      const { vae } = s.requireModel();
      const c = vae.config;
      const count = Math.floor(input.z.length / c.latentDim);
      const limit = Math.min(LIMITS.decodePoints, Math.floor(LIMITS.replyFloats / pixelsPerImage(c)));
      if (count > limit) {
        throw new UserError('TOO_LARGE', `Decoding ${count} points at once is more than the ${limit} one request may carry; ask in smaller parts.`);
      }
      const pixels = await decodeZ(vae, input.z);
      return imagesOf(c, pixels);
    },

    reconstruct: async (input) => {
      const { vae, dataset } = s.requireModel();
      checkIndex(input.index, dataset.test.count);
      const one = subset(dataset.test, [input.index]);
      const mean = await reconstruct(vae, one, 'mean');
      const many = subset(
        dataset.test,
        Array.from({ length: input.samples }, () => input.index),
      );
      const samples = input.samples > 0 ? await reconstruct(vae, many, 'sample', input.seed) : null;
      return {
        index: input.index,
        label: one.labels ? one.labels[0]! : null,
        original: imagesOf(one, one.pixels),
        mean: { z: mean.z, image: imagesOf(one, mean.pixels) },
        samples: { z: samples?.z ?? new Float32Array(0), images: imagesOf(one, samples?.pixels ?? new Float32Array(0)) },
      };
    },

    testImages: async (input) => {
      const { dataset } = s.requireModel();
      for (const i of input.indices) checkIndex(i, dataset.test.count);
      const picked = subset(dataset.test, input.indices);
      return imagesOf(picked, picked.pixels);
    },

    neighbours: async (input) => {
      const { vae, dataset } = s.requireModel();
      if ('index' in input.of) checkIndex(input.of.index, dataset.test.count);
      // Encoded with the live weights (100,000 images a second here), so a model still training answers as it stands.
      const enc = await encodeSet(vae, dataset.test, 1000);
      const of = input.of;
      const query = 'index' in of ? enc.mean.subarray(of.index * enc.latentDim, (of.index + 1) * enc.latentDim) : of.z;
      const found = nearest(enc.mean, enc.latentDim, query, input.k, 'index' in of ? of.index : -1);
      const indices = found.map((n) => n.index);
      const picked = subset(dataset.test, indices);
      return {
        indices,
        distances: found.map((n) => n.distance),
        labels: indices.map((i) => (dataset.test.labels ? dataset.test.labels[i]! : null)),
        images: imagesOf(picked, picked.pixels),
      };
    },

    reconstructionStrip: async (input) => {
      const { vae, dataset } = s.requireModel();
      const first = subset(
        dataset.test,
        Array.from({ length: Math.min(input.n, dataset.test.count) }, (_, i) => i),
      );
      const r = await reconstruct(vae, first, input.mode ?? 'mean', input.seed);
      return { originals: imagesOf(first, first.pixels), reconstructions: imagesOf(first, r.pixels) };
    },
  };
}

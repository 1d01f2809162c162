import { nearest } from '../../latent/neighbours.js';
import { latentHealth } from '../../latent/health.js';
import { existsSync } from 'node:fs';
import type { Output } from '../../contract/index.js';
import { LIMITS } from '../../contract/limits.js';
import { imagesOf, pixelsPerImage, subset } from '../../data/dataset.js';
import { checkImage, imagesAt, splitsOf } from '../../data/numbering.js';
import { DEBIAN_FASHION_DIR, hasStandardFiles } from '../../data/load.js';
import { decodeZ, reconstruct } from '../../latent/ops.js';
import { encodedSet, placePoints } from '../place.js';
import { UserError } from '../../contract/errors.js';
import { Rng } from '../../util/rng.js';
import type { SessionState } from '../session-state.js';
import type { Handlers } from './types.js';

type QueryMethods =
  | 'getSession'
  | 'listDatasets'
  | 'latentPoints'
  | 'stopProjecting'
  | 'project'
  | 'findImages'
  | 'decode'
  | 'reconstruct'
  | 'testImages'
  | 'neighbours'
  | 'reconstructionStrip';

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

    latentPoints: async (input) => {
      const { vae, dataset } = s.requireModel();
      const shown = await placePoints(s, vae, dataset, input.set ?? 'test', input.projection ?? { method: 'auto' });
      return {
        set: shown.set,
        first: shown.first,
        count: shown.count,
        latentDim: shown.encoded.latentDim,
        mean: shown.encoded.mean,
        logVar: shown.encoded.logVar,
        labels: shown.labels,
        positions: shown.positions,
        health: latentHealth(shown.encoded),
        projection: shown.info,
      };
    },

    stopProjecting: async () => {
      const fitting = s.placing;
      s.placing = null;
      fitting?.end();
      return { stopped: fitting !== null };
    },

    project: async (input) => {
      const { vae } = s.requireModel();
      const k = vae.config.latentDim;
      let z: Float32Array;
      if ('prior' in input) {
        const rng = new Rng(input.seed);
        z = Float32Array.from({ length: input.prior * k }, () => rng.normal());
      } else {
        z = input.z;
        if (z.length % k !== 0) throw new UserError('BAD_REQUEST', `A latent point has ${k} values; ${z.length} is not a whole number of points.`);
      }
      const count = z.length / k;
      if (count > LIMITS.decodePoints)
        throw new UserError('TOO_LARGE', `Placing ${count} points at once is more than ${LIMITS.decodePoints}; ask in smaller parts.`);
      const placed = s.placedFor(input.view);
      return { positions: placed ? await placed.project(z, count) : null };
    },

    findImages: async (input) => {
      const { dataset } = s.requireModel();
      const { first, splits } = splitsOf(dataset, input.among);
      if (splits.some((x) => x.files === undefined)) {
        throw new UserError('BAD_REQUEST', `${dataset.name} has no file names to search: only data read from an image folder has them.`);
      }
      const needle = input.contains.toLowerCase();
      const numbers: number[] = [];
      let at = first;
      for (const split of splits) {
        split.files!.forEach((f, i) => {
          if (f.toLowerCase().includes(needle)) numbers.push(at + i);
        });
        at += split.count;
      }
      return { numbers, searched: at - first };
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
      const one = imagesAt(dataset, [input.index]);
      const mean = await reconstruct(vae, one, 'mean');
      const many = imagesAt(
        dataset,
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
      const picked = imagesAt(dataset, input.indices);
      return imagesOf(picked, picked.pixels);
    },

    neighbours: async (input) => {
      const { vae, dataset } = s.requireModel();
      const { first, count } = splitsOf(dataset, input.among ?? 'test');
      const of = input.of;
      if ('index' in of) {
        checkImage(dataset, of.index);
        if (of.index < first || of.index >= first + count) {
          throw new UserError('BAD_REQUEST', `Image ${of.index} is not among the images searched (${first}–${first + count - 1}).`);
        }
      }
      // Encoded with the live weights, so a model still training answers as it stands (kept while they stand still).
      const enc = await encodedSet(s, vae, dataset, input.among ?? 'test');
      const k = enc.latentDim;
      const query = 'index' in of ? enc.mean.subarray((of.index - first) * k, (of.index - first + 1) * k) : of.z;
      const found = nearest(enc.mean, k, query, input.k, 'index' in of ? of.index - first : -1);
      const indices = found.map((n) => first + n.index);
      const picked = imagesAt(dataset, indices);
      return {
        indices,
        distances: found.map((n) => n.distance),
        labels: indices.map((_, j) => (picked.labels ? picked.labels[j]! : null)),
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

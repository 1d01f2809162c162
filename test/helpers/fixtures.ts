import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../src/data/idx.js';
import { Rng } from '../../src/util/rng.js';

export function tempDir(prefix = 'le-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Synthetic labelled images of h×w: class c is a bright bar at a class-specific
 * position plus noise, so a VAE can learn something quickly.
 */
export function syntheticImages(count: number, h: number, w: number, classes = 4, seed = 1): { pixels: Uint8Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const pixels = new Uint8Array(count * h * w);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    labels[i] = c;
    const row = Math.floor(((c + 0.5) * h) / classes);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const on = Math.abs(y - row) <= 1 ? 200 + 55 * rng.next() : 30 * rng.next();
        pixels[i * h * w + y * w + x] = Math.round(on);
      }
    }
  }
  return { pixels, labels };
}

/** Writes a folder holding the four standard IDX files of a small synthetic dataset. */
export function writeSyntheticFolder(opts: { train?: number; test?: number; h?: number; w?: number; gzip?: boolean } = {}): string {
  const { train = 256, test = 64, h = 8, w = 6, gzip = false } = opts;
  const dir = tempDir('le-data-');
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  const tr = syntheticImages(train, h, w, 4, 1);
  const te = syntheticImages(test, h, w, 4, 2);
  put('train-images-idx3-ubyte', encodeIdx([train, h, w], tr.pixels));
  put('train-labels-idx1-ubyte', encodeIdx([train], tr.labels));
  put('t10k-images-idx3-ubyte', encodeIdx([test, h, w], te.pixels));
  put('t10k-labels-idx1-ubyte', encodeIdx([test], te.labels));
  return dir;
}

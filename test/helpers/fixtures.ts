import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
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
  const put = (name: string, bytes: Uint8Array) => writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  const tr = syntheticImages(train, h, w, 4, 1);
  const te = syntheticImages(test, h, w, 4, 2);
  put('train-images-idx3-ubyte', encodeIdx([train, h, w], tr.pixels));
  put('train-labels-idx1-ubyte', encodeIdx([train], tr.labels));
  put('t10k-images-idx3-ubyte', encodeIdx([test, h, w], te.pixels));
  put('t10k-labels-idx1-ubyte', encodeIdx([test], te.labels));
  return dir;
}

/** Makes a FIFO (named pipe) in `dir` with the system's mkfifo; nothing ever writes to it. */
export function makeFifo(dir: string, name: string): string {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/**
 * Writes a gzip file whose IDX header promises `promised` unsigned bytes but
 * which inflates to that plus `extraMiB` MiB of zeros: a few hundred KB on disk.
 * Built by streaming one reused zero block, so writing it costs no memory.
 */
export async function writeGzipBomb(file: string, promised: number, extraMiB: number): Promise<void> {
  const header = encodeIdx([promised], new Uint8Array(promised));
  const zeros = new Uint8Array(2 ** 20);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield header;
    for (let i = 0; i < extraMiB; i++) yield zeros;
  }
  await pipeline(Readable.from(body()), createGzip({ level: 9 }), createWriteStream(file));
}

/**
 * Files a user keeps, for proving that no save touches them: a folder with
 * `thesis.tex` and `taxes/return.pdf`, and a file `.bashrc`, in `root`.
 * `assertUnchanged()` checks every byte and the folder listing.
 */
export function writeUserFiles(root: string): { folder: string; file: string; assertUnchanged(): void } {
  const folder = path.join(root, 'thesis');
  mkdirSync(path.join(folder, 'taxes'), { recursive: true });
  const contents: [string, string][] = [
    [path.join(folder, 'thesis.tex'), '\\documentclass{article} chapter one'],
    [path.join(folder, 'taxes', 'return.pdf'), '%PDF-1.7 return'],
    [path.join(root, '.bashrc'), 'alias ll="ls -l"'],
  ];
  for (const [p, text] of contents) writeFileSync(p, text);
  return {
    folder,
    file: path.join(root, '.bashrc'),
    assertUnchanged() {
      assert.deepEqual(readdirSync(folder).sort(), ['taxes', 'thesis.tex']);
      assert.deepEqual(readdirSync(path.join(folder, 'taxes')), ['return.pdf']);
      for (const [p, text] of contents) assert.equal(readFileSync(p, 'utf8'), text, `${p} is unchanged`);
    },
  };
}

/** The command line's flags for a quick training run of a few seconds, printing JSON. */
export const QUICK_TRAIN_FLAGS = '--epochs 2 --batch 32 --lr 0.01 --json'.split(' ');

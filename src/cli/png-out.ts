import path from 'node:path';
import { UserError } from '../contract/errors.js';
import { encodePng, gridImage, type GridOptions } from '../io/png.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Refuses an output name that is not a PNG, before any work is done. */
export function checkPng(out: string): void {
  if (path.extname(out).toLowerCase() !== '.png') throw new UserError('BAD_CONFIG', `--out ${out}: the file name should end in .png.`);
}

/**
 * Writes images as one grid PNG, atomically, and says so on stderr (stdout
 * stays free for what a command prints as data): the path, the images and
 * the picture's size.
 */
export async function writeGridPng(out: string, tiles: Float32Array, count: number, h: number, w: number, opts: GridOptions, what: string): Promise<void> {
  const picture = gridImage(tiles, count, h, w, opts);
  await writeFileAtomic(out, encodePng(picture));
  process.stderr.write(`Wrote ${out}: ${what}, ${picture.width}×${picture.height} pixels.\n`);
}

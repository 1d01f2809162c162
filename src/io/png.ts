import { PNG } from 'pngjs';
import { UserError } from '../util/errors.js';

/** A greyscale picture, one byte per pixel. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface GridOptions {
  /** Tiles per row; defaults to all in one row. */
  cols?: number;
  /** Pixels between tiles. */
  gap?: number;
  /** Grey level (0..255) of the gaps. */
  gapValue?: number;
  /** Each source pixel becomes scale × scale pixels. */
  scale?: number;
}

/** Quantises a pixel in [0, 1] to a byte, the way every image the engine produces is written. */
export function toByte(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v * 255)));
}

/**
 * Lays out `count` images of h×w pixels in [0, 1] as a grid, row-major, with
 * gaps between tiles, each pixel magnified `scale` times (nearest neighbour).
 */
export function gridImage(tiles: Float32Array, count: number, h: number, w: number, opts: GridOptions = {}): GreyImage {
  const cols = Math.max(1, Math.min(opts.cols ?? count, count));
  const rows = Math.ceil(count / cols);
  const gap = opts.gap ?? 1;
  const s = opts.scale ?? 1;
  if (!Number.isInteger(s) || s < 1 || s > 64) throw new UserError('BAD_CONFIG', `Scale must be a whole number from 1 to 64, not ${s}.`);
  const tw = w * s;
  const th = h * s;
  const width = cols * tw + (cols - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const data = new Uint8Array(width * height).fill(opts.gapValue ?? 96);
  for (let t = 0; t < count; t++) {
    const ox = (t % cols) * (tw + gap);
    const oy = Math.floor(t / cols) * (th + gap);
    for (let y = 0; y < th; y++) {
      const src = t * h * w + Math.floor(y / s) * w;
      const dst = (oy + y) * width + ox;
      for (let x = 0; x < tw; x++) data[dst + x] = toByte(tiles[src + Math.floor(x / s)]!);
    }
  }
  return { width, height, data };
}

/** Encodes a greyscale image as an 8-bit greyscale PNG. */
export function encodePng(img: GreyImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i]!;
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/** Decodes a PNG to greyscale (the red channel), for checks and round trips. */
export function decodePng(bytes: Uint8Array): GreyImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) data[i] = png.data[4 * i]!;
  return { width: png.width, height: png.height, data };
}

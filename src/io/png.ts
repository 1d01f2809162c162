import { PNG } from 'pngjs';
import { UserError } from '../contract/errors.js';

/** A greyscale picture, one byte per pixel. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A picture of one (grey) or three (RGB) bytes per pixel, channels last. */
export interface Picture extends GreyImage {
  channels: 1 | 3;
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
  /** Values per source pixel: 1 grey (the default) or 3 RGB. */
  channels?: number;
}

/** Quantises a pixel in [0, 1] to a byte, the way every image the engine produces is written. */
export function toByte(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v * 255)));
}

/**
 * Lays out `count` images of h×w pixels (× channels) in [0, 1] as a grid,
 * row-major, with gaps between tiles, each pixel magnified `scale` times
 * (nearest neighbour).
 */
export function gridImage(tiles: Float32Array, count: number, h: number, w: number, opts: GridOptions = {}): Picture {
  const c = opts.channels ?? 1;
  if (c !== 1 && c !== 3) throw new UserError('BAD_CONFIG', `Images have 1 (grey) or 3 (RGB) channels, not ${c}.`);
  const cols = Math.max(1, Math.min(opts.cols ?? count, count));
  const rows = Math.ceil(count / cols);
  const gap = opts.gap ?? 1;
  const s = opts.scale ?? 1;
  if (!Number.isInteger(s) || s < 1 || s > 64) throw new UserError('BAD_CONFIG', `Scale must be a whole number from 1 to 64, not ${s}.`);
  const tw = w * s;
  const th = h * s;
  const width = cols * tw + (cols - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const data = new Uint8Array(width * height * c).fill(opts.gapValue ?? 96);
  for (let t = 0; t < count; t++) {
    const ox = (t % cols) * (tw + gap);
    const oy = Math.floor(t / cols) * (th + gap);
    for (let y = 0; y < th; y++) {
      const src = (t * h * w + Math.floor(y / s) * w) * c;
      const dst = ((oy + y) * width + ox) * c;
      for (let x = 0; x < tw; x++) {
        for (let k = 0; k < c; k++) data[dst + x * c + k] = toByte(tiles[src + Math.floor(x / s) * c + k]!);
      }
    }
  }
  return { width, height, channels: c, data };
}

/** Encodes a picture as an 8-bit PNG: greyscale for one channel, RGB for three. */
export function encodePng(img: GreyImage | Picture): Buffer {
  const c = 'channels' in img ? img.channels : 1;
  const png = new PNG({ width: img.width, height: img.height });
  for (let i = 0; i < img.width * img.height; i++) {
    for (let k = 0; k < 3; k++) png.data[4 * i + k] = img.data[i * c + (c === 1 ? 0 : k)]!;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: c === 1 ? 0 : 2 });
}

/** Decodes a PNG to greyscale (the red channel), for checks and round trips. */
export function decodePng(bytes: Uint8Array): GreyImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) data[i] = png.data[4 * i]!;
  return { width: png.width, height: png.height, data };
}

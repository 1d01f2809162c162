/**
 * Images as the engine sends them: height × width × channels values in
 * [0, 1] per image, row-major, channels last. Without `channels` they are
 * grey (one value per pixel); with 3 they are RGB.
 */
export interface ImageSet {
  pixels: Float32Array;
  height: number;
  width: number;
  channels?: number;
}

/** A picture to put on a canvas: RGBA bytes, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

// Rounds as the engine's PNG writer does, so a drawn image equals an exported one byte for byte.
const byte = (v: number): number => Math.max(0, Math.min(255, Math.round(v * 255)));

/** Values per pixel: 1 draws grey, 3 or more draws the first three as red, green and blue. */
function channelsOf(images: ImageSet): number {
  return images.channels ?? 1;
}

/** Copies pixel `src` of the images into RGBA pixel `dst` of `out` (alpha left as it is). */
function copyPixel(images: ImageSet, c: number, src: number, out: Uint8ClampedArray, dst: number): void {
  const p = images.pixels;
  if (c >= 3) {
    out[4 * dst] = byte(p[src * c]!);
    out[4 * dst + 1] = byte(p[src * c + 1]!);
    out[4 * dst + 2] = byte(p[src * c + 2]!);
  } else {
    const v = byte(p[src * c]!);
    out[4 * dst] = v;
    out[4 * dst + 1] = v;
    out[4 * dst + 2] = v;
  }
}

/** Image `index` of the set at its natural size, opaque. */
export function imageRgba(images: ImageSet, index = 0): Rgba {
  const { height, width } = images;
  const c = channelsOf(images);
  const data = new Uint8ClampedArray(4 * height * width).fill(255);
  const first = index * height * width;
  for (let i = 0; i < height * width; i++) copyPixel(images, c, first + i, data, i);
  return { width, height, data };
}

/**
 * `count` images as a grid of `cols`, with 1-pixel grey gaps, each pixel
 * `scale` × `scale`: the same layout as the CLI's PNG exports.
 */
export function gridRgba(images: ImageSet, count: number, cols: number, scale = 1): Rgba {
  const { height: h, width: w } = images;
  const c = channelsOf(images);
  const rows = Math.ceil(count / cols);
  const gap = 1;
  // Every cell the same whole number of pixels, whatever the scale (a fractional one samples the nearest source pixel).
  const cw = Math.max(1, Math.round(w * scale));
  const ch = Math.max(1, Math.round(h * scale));
  const width = cols * cw + (cols - 1) * gap;
  const height = rows * ch + (rows - 1) * gap;
  const data = new Uint8ClampedArray(4 * width * height).fill(96);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (let t = 0; t < count; t++) {
    const ox = (t % cols) * (cw + gap);
    const oy = Math.floor(t / cols) * (ch + gap);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const src = t * h * w + Math.floor((y * h) / ch) * w + Math.floor((x * w) / cw);
        copyPixel(images, c, src, data, (oy + y) * width + ox + x);
      }
    }
  }
  return { width, height, data };
}

function paint(canvas: HTMLCanvasElement, picture: Rgba): void {
  canvas.width = picture.width;
  canvas.height = picture.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(picture.width, picture.height);
  img.data.set(picture.data);
  ctx.putImageData(img, 0, 0);
}

/** Draws image `index` of the set onto a canvas at its natural size; CSS scales it. */
export function drawImage(canvas: HTMLCanvasElement, images: ImageSet, index = 0): void {
  paint(canvas, imageRgba(images, index));
}

/** Draws `count` images as a grid (see `gridRgba`). */
export function drawGrid(canvas: HTMLCanvasElement, images: ImageSet, count: number, cols: number, scale = 1): void {
  paint(canvas, gridRgba(images, count, cols, scale));
}

export function formatZ(z: ArrayLike<number>): string {
  return Array.from(z, (v) => v.toFixed(3)).join(', ');
}

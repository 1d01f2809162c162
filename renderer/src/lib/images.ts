/** Draws a greyscale image (pixels in [0, 1]) onto a canvas at its natural size; CSS scales it. */
export function drawImage(canvas: HTMLCanvasElement, pixels: Float32Array, height: number, width: number, offset = 0): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < height * width; i++) {
    const v = Math.max(0, Math.min(255, Math.round(pixels[offset + i]! * 255)));
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function formatZ(z: ArrayLike<number>): string {
  return Array.from(z, (v) => v.toFixed(3)).join(', ');
}

/**
 * Draws `count` images (pixels in [0, 1]) as a grid of `cols`, with 1-pixel
 * gaps, each pixel `scale` × `scale`: the same layout as the CLI's PNG exports.
 */
export function drawGrid(canvas: HTMLCanvasElement, pixels: Float32Array, count: number, height: number, width: number, cols: number, scale = 1): void {
  const rows = Math.ceil(count / cols);
  const gap = 1;
  canvas.width = cols * width * scale + (cols - 1) * gap;
  canvas.height = rows * height * scale + (rows - 1) * gap;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(canvas.width, canvas.height);
  img.data.fill(96);
  for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
  for (let t = 0; t < count; t++) {
    const ox = (t % cols) * (width * scale + gap);
    const oy = Math.floor(t / cols) * (height * scale + gap);
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const v = Math.max(0, Math.min(255, Math.round(pixels[t * height * width + Math.floor(y / scale) * width + Math.floor(x / scale)]! * 255)));
        const at = 4 * ((oy + y) * canvas.width + ox + x);
        img.data[at] = v;
        img.data[at + 1] = v;
        img.data[at + 2] = v;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

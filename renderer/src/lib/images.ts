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

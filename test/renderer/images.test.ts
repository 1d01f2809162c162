import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridRgba, imageRgba } from '../../renderer/src/lib/images.js';
import { toByte } from '../../src/io/png.js';

const rgba = (data: Uint8ClampedArray, pixel: number) => Array.from(data.subarray(4 * pixel, 4 * pixel + 4));

test('images without channels are grey, byte for byte as the PNG export rounds them', () => {
  const pixels = Float32Array.from([0, 0.5, 1, 0.2, /* second image */ 0.9, 0.1, 0.3, 0.7]);
  const first = imageRgba({ pixels, height: 2, width: 2 });
  assert.deepEqual([first.width, first.height], [2, 2]);
  assert.deepEqual(rgba(first.data, 1), [toByte(0.5), toByte(0.5), toByte(0.5), 255]);
  const second = imageRgba({ pixels, height: 2, width: 2, channels: 1 }, 1);
  assert.deepEqual(
    Array.from({ length: 4 }, (_, i) => second.data[4 * i]),
    Array.from(pixels.subarray(4), toByte),
  );
});

test('three channels draw in colour, channels last', () => {
  // Two 1×2 RGB images: red, green, then blue, white.
  const pixels = Float32Array.from([1, 0, 0, 0, 1, 0, /* second image */ 0, 0, 1, 1, 1, 1]);
  const first = imageRgba({ pixels, height: 1, width: 2, channels: 3 });
  assert.deepEqual(
    [rgba(first.data, 0), rgba(first.data, 1)],
    [
      [255, 0, 0, 255],
      [0, 255, 0, 255],
    ],
  );
  const second = imageRgba({ pixels, height: 1, width: 2, channels: 3 }, 1);
  assert.deepEqual(
    [rgba(second.data, 0), rgba(second.data, 1)],
    [
      [0, 0, 255, 255],
      [255, 255, 255, 255],
    ],
  );
});

test('a grid lays images in rows with 1-pixel gaps, each pixel scaled', () => {
  // Three 1×1 images in two columns at scale 2: 5×5 pixels, the last tile empty.
  const g = gridRgba({ pixels: Float32Array.from([1, 0, 0.5]), height: 1, width: 1 }, 3, 2, 2);
  assert.deepEqual([g.width, g.height], [5, 5]);
  const red = (x: number, y: number) => g.data[4 * (y * g.width + x)];
  assert.deepEqual(
    [red(0, 0), red(1, 1), red(2, 0), red(3, 0), red(4, 1), red(0, 3), red(1, 4), red(3, 3)],
    [255, 255, 96, 0, 0, toByte(0.5), toByte(0.5), 96],
  );
  const rgb = gridRgba({ pixels: Float32Array.from([0, 0, 1, 1, 0, 0]), height: 1, width: 1, channels: 3 }, 2, 2);
  assert.deepEqual(
    [rgba(rgb.data, 0), rgba(rgb.data, 1), rgba(rgb.data, 2)],
    [
      [0, 0, 255, 255],
      [96, 96, 96, 255],
      [255, 0, 0, 255],
    ],
  );
});

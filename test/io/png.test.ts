import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { encodePng, gridImage, toByte } from '../../src/io/png.js';
import { UserError } from '../../src/contract/errors.js';

test("images are height × width × channels: three channels give an RGB PNG with each tile's colours in place", () => {
  // Two 1×2 RGB tiles: red|green and blue|white.
  const tiles = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  const pic = gridImage(tiles, 2, 1, 2, { cols: 2, channels: 3, gap: 1, gapValue: 0 });
  assert.deepEqual([pic.width, pic.height, pic.channels], [5, 1, 3]);
  const png = PNG.sync.read(encodePng(pic));
  const rgb = (x: number) => Array.from(png.data.subarray(4 * x, 4 * x + 3));
  assert.deepEqual(
    [rgb(0), rgb(1), rgb(2), rgb(3), rgb(4)],
    [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 0],
      [0, 0, 255],
      [255, 255, 255],
    ],
  );
});

test('one channel stays a greyscale PNG, magnified by the scale', () => {
  const pic = gridImage(Float32Array.from([0.5, 1]), 1, 1, 2, { scale: 2 });
  assert.equal(pic.channels, 1);
  const png = PNG.sync.read(encodePng(pic));
  assert.deepEqual([png.width, png.height], [4, 2]);
  assert.deepEqual(
    Array.from({ length: 4 }, (_, x) => png.data[4 * x]),
    [toByte(0.5), toByte(0.5), 255, 255],
  );
  assert.throws(
    () => gridImage(new Float32Array(8), 1, 1, 2, { channels: 4 }),
    (e: unknown) => e instanceof UserError && /1 \(grey\) or 3 \(RGB\) channels/.test(e.message),
  );
});

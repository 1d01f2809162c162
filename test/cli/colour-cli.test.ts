import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { tempDir } from '../helpers/fixtures.js';
import { writeClassFolder } from '../helpers/image-fixtures.js';

// Every PNG the command line writes for a colour model is an RGB image, and
// the test images it shows keep their own colours.
const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** The PNG's pixels as [r, g, b], after checking it is stored in colour. */
function rgbPixels(file: string): { width: number; height: number; px: [number, number, number][] } {
  const bytes = readFileSync(file);
  // Byte 25 of a PNG is its colour type: 2 (RGB) or 6 (RGBA) hold colour; 0 and 4 are grey.
  assert.ok([2, 6].includes(bytes[25]!), `${path.basename(file)} has PNG colour type ${bytes[25]}`);
  const png = PNG.sync.read(bytes);
  const px = Array.from(
    { length: png.width * png.height },
    (_, i) => [png.data[4 * i]!, png.data[4 * i + 1]!, png.data[4 * i + 2]!] as [number, number, number],
  );
  return { width: png.width, height: png.height, px };
}

let model: string;
before(async () => {
  const data = tempDir();
  await writeClassFolder(data, 6);
  model = path.join(tempDir(), 'conv');
  const r = await cli(
    'train',
    '--out',
    model,
    '--data',
    data,
    '--arch',
    'conv',
    '--filters',
    '4,8',
    '--hidden',
    '16',
    '--latent',
    '2',
    '--epochs',
    '2',
    '--batch',
    '6',
    '--lr',
    '0.01',
  );
  assert.equal(r.code, 0, r.stderr);
});

test('reconstruct shows each test image in its own colour above its RGB reconstruction', { timeout: 60000 }, async () => {
  const out = path.join(tempDir(), 'recon.png');
  const r = await cli('reconstruct', '--model', model, '--n', '2', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const { width, px } = rgbPixels(out);
  // Solid red, green or blue originals: every pixel of the top-left tile is one pure primary.
  const [r0, g0, b0] = px[0]!;
  assert.equal([r0, g0, b0].filter((v) => v === 255).length, 1, `top-left pixel ${r0},${g0},${b0}`);
  assert.equal([r0, g0, b0].filter((v) => v === 0).length, 2);
  assert.ok(width >= 16);
});

test('decode and every explore view write RGB PNGs', { timeout: 120000 }, async () => {
  const dir = tempDir();
  const runs: Array<[string, string[]]> = [
    ['decode', ['--z', '0.5,-0.5']],
    ['interpolate', ['--from', '0', '--to', '1', '--steps', '4']],
    ['traverse', ['--index', '0', '--steps', '4']],
    ['sample', ['--n', '4']],
    ['manifold', ['--grid', '3']],
    ['denoise', ['--n', '2', '--noise', 'gaussian:0.3']],
  ];
  for (const [command, args] of runs) {
    const out = path.join(dir, `${command}.png`);
    const r = await cli(command, '--model', model, ...args, '--out', out);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    const { px } = rgbPixels(out);
    assert.ok(px.length > 0, command);
  }
});

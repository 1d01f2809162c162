import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export type Rgba = [number, number, number, number];

/** Writes a size×size image of one colour; the format follows the file's extension. */
export async function writeSolid(file: string, rgba: Rgba, size = 8): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const [r, g, b, a] = rgba;
  const data = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set([r, g, b, a], i * 4);
  await sharp(data, { raw: { width: size, height: size, channels: 4 } }).toFile(file);
}

/** Writes a size×size one-channel grey PNG of value v (0-255). */
export async function writeGrey(file: string, v: number, size = 8): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp(Buffer.alloc(size * size, v), { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toFile(file);
}

/** Class folders red/, green/ and blue/, each with `perClass` solid 8×8 PNGs. */
export async function writeClassFolder(dir: string, perClass = 4): Promise<void> {
  const colours: Record<string, Rgba> = { red: [255, 0, 0, 255], green: [0, 255, 0, 255], blue: [0, 0, 255, 255] };
  for (const [name, rgba] of Object.entries(colours)) {
    for (let i = 0; i < perClass; i++) await writeSolid(path.join(dir, name, `${i}.png`), rgba);
  }
}

/** A PNG cut off halfway, a text file and a FIFO all named like images. */
export async function writeBadFiles(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const whole = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  writeFileSync(path.join(dir, 'cut.png'), whole.subarray(0, Math.floor(whole.length / 2)));
  writeFileSync(path.join(dir, 'x.png'), 'this is not an image\n');
  execFileSync('mkfifo', [path.join(dir, 'y.png')]);
}

/** Six solid images in two subfolders (whose names are not the classes) and a CSV listing five of them with two label columns. */
export async function writeCsvFolder(): Promise<{ dir: string; csv: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'le-test-'));
  const colours: [string, Rgba][] = [
    ['one/a.png', [255, 0, 0, 255]],
    ['one/b.png', [0, 0, 255, 255]],
    ['one/c.png', [255, 0, 0, 255]],
    ['two/d.png', [0, 0, 255, 255]],
    ['two/e.png', [255, 0, 0, 255]],
    ['two/extra.png', [0, 255, 0, 255]],
  ];
  for (const [f, rgba] of colours) await writeSolid(path.join(dir, f), rgba);
  const csv = path.join(mkdtempSync(path.join(os.tmpdir(), 'le-test-')), 'labels.csv');
  const rows = [
    'file,colour,shape',
    'one/a.png,red,round',
    'one/b.png,blue,square',
    './one/c.png,red,square',
    'two/d.png,blue,round',
    'two/e.png,red,"round, big"',
    'gone.png,black,x',
  ];
  writeFileSync(csv, `${rows.join('\n')}\n`);
  return { dir, csv };
}

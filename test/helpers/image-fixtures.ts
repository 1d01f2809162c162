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

export type Rgb = [number, number, number];

/** The raw bytes of a size×size image of one colour, three channels. */
function solidRgb(rgb: Rgb, size: number): Buffer {
  const data = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) data.set(rgb, i * 3);
  return data;
}

/** One file written by writeFormatsFolder: its extension (no dot), whether the format is lossy, and its colour. */
export interface FormatFile {
  file: string;
  ext: string;
  lossy: boolean;
  rgb: Rgb;
}

/**
 * One solid 16×16 image per image extension the loader accepts, each in a class
 * folder named after its extension (png/a.png, svg/a.svg, ...), each of its own
 * colour with red and blue apart, so a swapped channel order shows. The SVG is
 * written as text: a filled rect.
 */
export async function writeFormatsFolder(dir: string, size = 16): Promise<FormatFile[]> {
  const formats: [string, boolean, Rgb][] = [
    ['png', false, [200, 60, 120]],
    ['jpg', true, [40, 180, 90]],
    ['jpeg', true, [90, 40, 200]],
    ['webp', true, [220, 200, 30]],
    ['gif', false, [30, 120, 220]],
    ['tif', false, [150, 150, 40]],
    ['tiff', false, [240, 100, 10]],
    ['avif', true, [60, 200, 200]],
    ['svg', false, [120, 30, 160]],
  ];
  const out: FormatFile[] = [];
  for (const [ext, lossy, rgb] of formats) {
    const file = path.join(dir, ext, `a.${ext}`);
    mkdirSync(path.dirname(file), { recursive: true });
    if (ext === 'svg') {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" fill="rgb(${rgb.join(',')})"/></svg>\n`;
      writeFileSync(file, svg);
    } else {
      await sharp(solidRgb(rgb, size), { raw: { width: size, height: size, channels: 3 } }).toFile(file);
    }
    out.push({ file, ext, lossy, rgb });
  }
  return out;
}

/** One image written by writeShapesFolder, with the factors that made it and how many pixels the shape lights. */
export interface ShapeImage {
  file: string;
  shape: 'circle' | 'square';
  colour: 'red' | 'green' | 'blue';
  side: 'left' | 'right';
  lit: number;
}

/**
 * Class folders circle/ and square/ of size×size PNGs on black: one filled
 * shape in full red, green or blue, centred in the left or the right half
 * (12 images). The circle (radius size/4) and the square (side size/2) light
 * different numbers of pixels.
 */
export async function writeShapesFolder(dir: string, size = 32): Promise<ShapeImage[]> {
  const out: ShapeImage[] = [];
  const channelOf = { red: 0, green: 1, blue: 2 } as const;
  for (const shape of ['square', 'circle'] as const) {
    for (const colour of ['red', 'green', 'blue'] as const) {
      for (const side of ['left', 'right'] as const) {
        const cx = side === 'left' ? size / 4 : (3 * size) / 4;
        const cy = size / 2;
        const r = size / 4;
        const data = Buffer.alloc(size * size * 3);
        let lit = 0;
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const [dx, dy] = [x + 0.5 - cx, y + 0.5 - cy];
            const inside = shape === 'circle' ? dx * dx + dy * dy <= r * r : Math.abs(dx) < r && Math.abs(dy) < r;
            if (!inside) continue;
            data[(y * size + x) * 3 + channelOf[colour]] = 255;
            lit++;
          }
        }
        const file = path.join(dir, shape, `${colour}-${side}.png`);
        mkdirSync(path.dirname(file), { recursive: true });
        await sharp(data, { raw: { width: size, height: size, channels: 3 } })
          .png()
          .toFile(file);
        out.push({ file, shape, colour, side, lit });
      }
    }
  }
  return out;
}

import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { makeDirs, writeFileAtomic } from '../util/atomic.js';
import type { ImageSet } from './dataset.js';

/** How many cache files are kept; older ones are deleted after each write. */
export const CACHE_KEEP = 5;
/** Bumped whenever the layout or the decoding changes, so that old caches miss (2: grey images with alpha decoded as sRGB; 3: each image's file). */
const FORMAT = 3;
const MAGIC = 'LEC1';
const CACHE_NAME = /^[0-9a-f]{64}\.bin$/;
/** Files stat'ed at once while building the key. */
const STAT_BATCH = 64;

/** What a cache holds: the two splits, the class names and the files passed over (relative to the folder). */
export interface CachedSet {
  train: ImageSet;
  test: ImageSet;
  classNames: string[] | null;
  skipped: { file: string; reason: string }[];
}

/**
 * The cache key of a folder load: its absolute path, each image file's
 * relative path, size and mtime, and the load settings. Size and mtime are a
 * cheap stand-in for the contents (reading every file to hash it would cost
 * nearly as much as decoding it); any edit that keeps both is not seen.
 */
export async function cacheKey(dir: string, files: string[], settings: Record<string, unknown>): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ format: FORMAT, dir: path.resolve(dir), settings }));
  for (let i = 0; i < files.length; i += STAT_BATCH) {
    const batch = files.slice(i, i + STAT_BATCH);
    const stamps = await Promise.all(
      batch.map(async (file) => {
        const st = await fs.stat(file).catch(() => null);
        return `${path.relative(dir, file)}\t${st ? `${st.size}\t${st.mtimeMs}` : '-'}\n`;
      }),
    );
    hash.update(stamps.join(''));
  }
  return hash.digest('hex');
}

export const cacheFile = (cacheDir: string, key: string): string => path.join(cacheDir, `${key}.bin`);

interface Header {
  format: number;
  endian: string;
  classNames: string[] | null;
  skipped: { file: string; reason: string }[];
  sets: { count: number; height: number; width: number; channels: number; labelled: boolean; files?: string[] }[];
  spec: Record<string, unknown>;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** The bytes a header promises: pixels as Float32, labels as Int32. */
function payloadBytes(h: Header): number {
  return h.sets.reduce((a, s) => a + 4 * s.count * s.height * s.width * s.channels + (s.labelled ? 4 * s.count : 0), 0);
}

function headerLength(json: Buffer): number {
  return 8 + Math.ceil(json.length / 4) * 4;
}

/**
 * Reads a cache file, or gives null when there is none or it cannot be
 * trusted: not a regular file, an unknown format, or a length that differs
 * from what its header promises. A bad cache is rebuilt, never an error.
 */
export async function readCache(cacheDir: string, key: string, dir: string): Promise<CachedSet | null> {
  const file = cacheFile(cacheDir, key);
  try {
    // stat before opening: a FIFO or a device put in the cache folder is never opened.
    const st = await fs.stat(file);
    if (!st.isFile() || st.size < 8) return null;
    const buf = await fs.readFile(file);
    if (buf.length !== st.size || buf.toString('latin1', 0, 4) !== MAGIC) return null;
    const jsonLength = buf.readUInt32LE(4);
    if (8 + jsonLength > buf.length) return null;
    const json = buf.subarray(8, 8 + jsonLength);
    const h = JSON.parse(json.toString('utf8')) as Header;
    if (h.format !== FORMAT || h.endian !== os.endianness() || !Array.isArray(h.sets) || h.sets.length !== 2) return null;
    if (!h.sets.every((s) => [s.count, s.height, s.width, s.channels].every(isCount))) return null;
    let at = headerLength(json);
    if (buf.length !== at + payloadBytes(h)) return null;
    // slice copies, so every array starts on an aligned offset of its own buffer.
    const take = (bytes: number): ArrayBuffer => {
      const out = buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + bytes);
      at += bytes;
      return out;
    };
    const pixels = h.sets.map((s) => new Float32Array(take(4 * s.count * s.height * s.width * s.channels)));
    const labels = h.sets.map((s) => (s.labelled ? new Int32Array(take(4 * s.count)) : null));
    const [train, test] = h.sets.map((s, i): ImageSet => ({
      count: s.count,
      height: s.height,
      width: s.width,
      channels: s.channels,
      pixels: pixels[i]!,
      labels: labels[i]!,
      ...(Array.isArray(s.files) && s.files.length === s.count && s.files.every((f) => typeof f === 'string') ? { files: s.files } : {}),
    }));
    // A hit counts as use, so that the caches kept are the ones used most lately.
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined);
    return { train: train!, test: test!, classNames: h.classNames, skipped: h.skipped.map((s) => ({ file: path.join(dir, s.file), reason: s.reason })) };
  } catch {
    return null;
  }
}

/**
 * Writes a cache file atomically and prunes the folder to the newest
 * CACHE_KEEP. A failure (read-only disk, full disk) is ignored: the cache only
 * saves time, and the load it follows has already succeeded.
 */
export async function writeCache(cacheDir: string, key: string, dir: string, set: CachedSet, spec: Record<string, unknown>): Promise<void> {
  const sets = [set.train, set.test];
  const header: Header = {
    format: FORMAT,
    endian: os.endianness(),
    classNames: set.classNames,
    skipped: set.skipped.map((s) => ({ file: path.relative(dir, s.file), reason: s.reason })),
    sets: sets.map((s) => ({ count: s.count, height: s.height, width: s.width, channels: s.channels, labelled: s.labels !== null, files: s.files })),
    spec,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(headerLength(json));
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  const view = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const parts = [head, ...sets.map((s) => view(s.pixels)), ...sets.flatMap((s) => (s.labels ? [view(s.labels)] : []))];
  try {
    await makeDirs(cacheDir);
    await writeFileAtomic(cacheFile(cacheDir, key), Buffer.concat(parts));
    await pruneCache(cacheDir, key);
  } catch {
    // Nothing to do: the next load decodes again.
  }
}

/** Deletes all but the CACHE_KEEP most recently used cache files; `keep` (the one just written) always stays. */
export async function pruneCache(cacheDir: string, keep: string): Promise<void> {
  const names = (await fs.readdir(cacheDir)).filter((n) => CACHE_NAME.test(n) && n !== `${keep}.bin`);
  const dated = await Promise.all(names.map(async (n) => ({ n, st: await fs.lstat(path.join(cacheDir, n)).catch(() => null) })));
  // Only files are deleted: a folder that happens to bear a cache's name is not ours to remove.
  const old = dated
    .filter((d) => d.st !== null && !d.st.isDirectory())
    .sort((a, b) => b.st!.mtimeMs - a.st!.mtimeMs)
    .slice(CACHE_KEEP - 1);
  for (const d of old) await fs.rm(path.join(cacheDir, d.n), { force: true }).catch(() => undefined);
}

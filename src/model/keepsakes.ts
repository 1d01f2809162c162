import { constants, promises as fs, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../contract/errors.js';
import { describeIssues } from '../contract/fields.js';
import { LIMITS } from '../contract/limits.js';
import { AttributeVectorSchema, BookmarkSchema, type AttributeVector, type Bookmark } from '../contract/shapes.js';
import { kindOf } from '../data/file-kind.js';
import { makeDirs, writeError, writeFileAtomic } from '../util/atomic.js';

// What a person keeps with a model: its attribute vectors (vectors.json, in
// the model folder) and bookmarked views (bookmarks/<name>.json beside it).
// Every file here may have been put there by anyone: each read checks what
// the path is before opening it, caps its size and nesting, and parses it
// strictly; each write goes through a temporary file and a rename.

export const VECTORS_FILE = 'vectors.json';
export const BOOKMARKS_DIR = 'bookmarks';

/** 64 vectors of 256 dims as JSON are about 400 KB; four times that is room for long descriptions. */
const MAX_VECTORS_BYTES = 2 * 1024 * 1024;
/** The largest bookmark is a selection of every point (200,000 image numbers), about 1.4 MB as JSON. */
export const MAX_BOOKMARK_BYTES = 4 * 1024 * 1024;
/** Directory entries looked at when listing bookmarks: a folder of a million files costs no more than this. */
const MAX_LISTED_ENTRIES = 4 * LIMITS.bookmarks;

const VectorsFileSchema = z.object({
  format: z.literal('latent-explorer-vectors'),
  version: z.literal(1),
  vectors: z.array(AttributeVectorSchema).max(LIMITS.vectors),
});

export interface BookmarkEntry {
  name: string;
  savedAt: string;
}

/**
 * How deep `text` nests as JSON, counted without parsing (brackets inside
 * strings do not count), so a file of a million '[' is refused before any
 * parser or validator walks it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

/**
 * Reads a small JSON file that anyone may have put there: a regular file of
 * at most `maxBytes`, nested no deeper than the contract allows. stat comes
 * before any open, so a FIFO or a device is never opened; the open itself is
 * non-blocking and checked again, in case the path changed in between.
 */
export async function readHostileJson(file: string, maxBytes: number, what: string): Promise<unknown> {
  let st: Stats;
  try {
    st = await fs.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('NOT_FOUND', `${file} does not exist.`);
    throw new UserError('BAD_FILE', `Cannot read ${file} (${code ?? (err as Error).message}).`);
  }
  const check = (s: Stats) => {
    if (!s.isFile()) throw new UserError('BAD_FILE', `${file} is ${kindOf(s)}, not ${what}; it was left as it is.`);
    if (s.size > maxBytes) {
      throw new UserError('TOO_LARGE', `${file} is ${s.size} bytes, too large for ${what} (at most ${maxBytes}); it was not read.`);
    }
  };
  check(st);
  let text: string;
  try {
    const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      check(await handle.stat());
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('BAD_FILE', `Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  if (text.length > maxBytes) throw new UserError('TOO_LARGE', `${file} grew past ${maxBytes} bytes while it was read; it was not used.`);
  if (jsonDepth(text) > LIMITS.depth) {
    throw new UserError('BAD_FILE', `${file} nests deeper than ${LIMITS.depth} levels, which ${what} never does; it was not used.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError('BAD_FILE', `${file} is not valid JSON, so it cannot be ${what}.`);
  }
}

/** The vectors of a model of `latentDim` dims, checked: names unique, each of latentDim values. */
export function checkVectors(vectors: readonly AttributeVector[], latentDim: number): string | null {
  const seen = new Set<string>();
  for (const v of vectors) {
    if (v.vector.length !== latentDim) {
      return `The vector "${v.name}" has ${v.vector.length} values, but the model has ${latentDim} latent dims.`;
    }
    if (seen.has(v.name)) return `Two vectors are named "${v.name}".`;
    seen.add(v.name);
  }
  return null;
}

/**
 * The attribute vectors kept in a model folder. A missing file means none;
 * a file that cannot be used means none too, with `problem` saying why (the
 * model opens all the same, and the file stays until a vector is saved).
 */
export async function readVectors(dir: string, latentDim: number): Promise<{ vectors: AttributeVector[]; problem: string | null }> {
  const file = path.join(dir, VECTORS_FILE);
  const unusable = (why: string) => ({
    vectors: [],
    problem: `The model opened without its attribute vectors: ${why} Saving a vector will replace that file.`,
  });
  let raw: unknown;
  try {
    raw = await readHostileJson(file, MAX_VECTORS_BYTES, 'a list of attribute vectors');
  } catch (err) {
    if (err instanceof UserError && err.code === 'NOT_FOUND') return { vectors: [], problem: null };
    return unusable(err instanceof Error ? err.message : String(err));
  }
  const parsed = VectorsFileSchema.safeParse(raw);
  if (!parsed.success) return unusable(`${file} is not a Latent Explorer list of vectors (${describeIssues(parsed.error)}).`);
  const wrong = checkVectors(parsed.data.vectors, latentDim);
  if (wrong) return unusable(`${file}: ${wrong}`);
  return { vectors: parsed.data.vectors, problem: null };
}

export function vectorsJson(vectors: readonly AttributeVector[]): string {
  return JSON.stringify({ format: 'latent-explorer-vectors', version: 1, vectors }, null, 1);
}

/** Writes vectors.json into a model folder, atomically. */
export async function writeVectors(dir: string, vectors: readonly AttributeVector[]): Promise<void> {
  await writeFileAtomic(path.join(dir, VECTORS_FILE), vectorsJson(vectors));
}

// Windows refuses these as file names whatever their extension; a folder
// copied there must still open.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
/** Bytes of a file stem: well inside every file system's 255 with ".json" and the temporary suffix. */
const MAX_STEM_BYTES = 120;

/**
 * The file a bookmark of this name is kept in: letters and digits of any
 * script kept, lower-cased (folders on macOS and Windows ignore case),
 * everything else (slashes, dots, spaces) one '-'. So no name reaches outside
 * bookmarks/, none is hidden or reserved, and different names may share a
 * file, which saving reports instead of overwriting.
 */
export function bookmarkFileName(name: string): string {
  let stem = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  while (Buffer.byteLength(stem) > MAX_STEM_BYTES) stem = [...stem].slice(0, -1).join('');
  stem = stem.replace(/-+$/, '');
  // A name of punctuation alone still gets a file of its own.
  if (stem === '') stem = `bookmark-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
  if (RESERVED.test(stem)) stem = `${stem}-bookmark`;
  return `${stem}.json`;
}

function bookmarksDir(modelDir: string): string {
  return path.join(modelDir, BOOKMARKS_DIR);
}

/**
 * bookmarks/ as it stands: absent (null), or a real folder. A link or a file
 * in its place is refused, so no write can be led out of the model folder.
 */
async function inspectBookmarksDir(modelDir: string): Promise<string | null> {
  const dir = bookmarksDir(modelDir);
  let st: Stats;
  try {
    st = await fs.lstat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new UserError('BAD_FILE', `Cannot read ${dir} (${code ?? (err as Error).message}).`);
  }
  if (st.isSymbolicLink()) {
    throw new UserError('BAD_FILE', `${dir} is a link; bookmarks are kept only in a real folder inside the model folder. Replace the link with a folder.`);
  }
  if (!st.isDirectory()) throw new UserError('BAD_FILE', `${dir} is ${kindOf(st)}, not a folder of bookmarks; it was left as it is.`);
  return dir;
}

/** Reads one bookmark file, checked against the model it is opened with. */
export async function readBookmarkFile(file: string): Promise<Bookmark> {
  const raw = await readHostileJson(file, MAX_BOOKMARK_BYTES, 'a bookmark');
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== 1) {
    throw new UserError('BAD_FILE', `${file} is a bookmark of version ${version}, from a newer Latent Explorer; this one reads version 1.`);
  }
  const parsed = BookmarkSchema.safeParse(raw);
  if (!parsed.success) throw new UserError('BAD_FILE', `${file} is not a Latent Explorer bookmark (${describeIssues(parsed.error)}).`);
  return parsed.data;
}

/** The bookmarks beside a model, newest first; files that cannot be read are passed over. */
export async function listBookmarks(modelDir: string): Promise<BookmarkEntry[]> {
  const dir = await inspectBookmarksDir(modelDir);
  if (!dir) return [];
  const candidates: { file: string; mtime: number }[] = [];
  const handle = await fs.opendir(dir);
  let seen = 0;
  for await (const entry of handle) {
    if (++seen > MAX_LISTED_ENTRIES) break;
    if (!entry.name.endsWith('.json') || entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    const st = await fs.lstat(file).catch(() => null);
    if (st?.isFile() && st.size <= MAX_BOOKMARK_BYTES) candidates.push({ file, mtime: st.mtimeMs });
  }
  // The newest files are read first, so the list holds the latest LIMITS.bookmarks of them.
  candidates.sort((a, b) => b.mtime - a.mtime);
  const out: BookmarkEntry[] = [];
  for (const c of candidates) {
    if (out.length >= LIMITS.bookmarks) break;
    const b = await readBookmarkFile(c.file).catch(() => null);
    if (b && bookmarkFileName(b.name) === path.basename(c.file)) out.push({ name: b.name, savedAt: b.savedAt });
  }
  return out.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
}

/** The file of the bookmark named `name`, checked to hold that bookmark (the name is not a path). */
async function existingBookmark(modelDir: string, name: string): Promise<{ file: string; bookmark: Bookmark }> {
  const dir = await inspectBookmarksDir(modelDir);
  const file = path.join(bookmarksDir(modelDir), bookmarkFileName(name));
  const missing = () => new UserError('NOT_FOUND', `There is no bookmark named "${name}" beside this model.`);
  if (!dir) throw missing();
  let bookmark: Bookmark;
  try {
    bookmark = await readBookmarkFile(file);
  } catch (err) {
    if (err instanceof UserError && err.code === 'NOT_FOUND') throw missing();
    throw err;
  }
  if (bookmark.name !== name) throw missing();
  return { file, bookmark };
}

export async function readBookmark(modelDir: string, name: string): Promise<Bookmark> {
  return (await existingBookmark(modelDir, name)).bookmark;
}

/**
 * Writes a bookmark beside the model, atomically. One of the same name is
 * replaced only with `replace` (MODEL_EXISTS otherwise); a file of another
 * bookmark whose name maps to the same file, or anything that is not a
 * bookmark file, is never replaced. A new one is refused once the folder
 * keeps LIMITS.bookmarks, the most a list shows.
 */
export async function writeBookmark(modelDir: string, bookmark: Bookmark, replace: boolean): Promise<void> {
  let dir = await inspectBookmarksDir(modelDir);
  if (!dir) {
    dir = bookmarksDir(modelDir);
    try {
      await makeDirs(dir);
    } catch (err) {
      throw writeError(dir, err);
    }
  }
  const file = path.join(dir, bookmarkFileName(bookmark.name));
  const st = await fs.lstat(file).catch(() => null);
  if (st) {
    if (!st.isFile()) throw new UserError('BAD_FILE', `${file} is ${kindOf(st)}, not a bookmark file; it was left as it is. Choose another name.`);
    const old = await readBookmarkFile(file).catch(() => null);
    if (old && old.name !== bookmark.name) {
      throw new UserError(
        'BAD_REQUEST',
        `The bookmark "${old.name}" is kept in the same file (${path.basename(file)}) as "${bookmark.name}" would be; choose another name.`,
      );
    }
    if (!replace) {
      throw new UserError(
        'MODEL_EXISTS',
        old ? `A bookmark named "${bookmark.name}" already exists.` : `${file} already exists and is not a readable bookmark.`,
      );
    }
  } else if ((await listBookmarks(modelDir)).length >= LIMITS.bookmarks) {
    throw new UserError('TOO_LARGE', `This model already keeps ${LIMITS.bookmarks} bookmarks; delete some to save more.`);
  }
  await writeFileAtomic(file, JSON.stringify(bookmark));
}

export async function deleteBookmark(modelDir: string, name: string): Promise<void> {
  const { file } = await existingBookmark(modelDir, name);
  try {
    await fs.unlink(file);
  } catch (err) {
    throw writeError(file, err);
  }
}

/**
 * Copies the bookmarks of a model folder about to be replaced into the
 * folder replacing it (`into`), so saving a model over its own folder keeps
 * them. Anything in bookmarks/ that is not a bookmark-sized file stops the
 * save instead of being lost with the old folder.
 */
export async function carryBookmarks(fromModelDir: string, into: string): Promise<void> {
  const dir = await inspectBookmarksDir(fromModelDir);
  if (!dir) return;
  const names = await fs.readdir(dir);
  const files: string[] = [];
  for (const n of names) {
    const st = await fs.lstat(path.join(dir, n));
    if (!st.isFile() || st.size > MAX_BOOKMARK_BYTES) {
      throw new UserError(
        'WRITE_FAILED',
        `${path.join(dir, n)} is not a bookmark, and saving over this model folder would lose it; nothing was touched. Move it out, then save again.`,
      );
    }
    if (!n.startsWith('.')) files.push(n);
  }
  const target = path.join(into, BOOKMARKS_DIR);
  await fs.mkdir(target);
  for (const n of files) await fs.copyFile(path.join(dir, n), path.join(target, n));
}

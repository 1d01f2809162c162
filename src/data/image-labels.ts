import { promises as fs, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../contract/errors.js';
import { cannotRead, kindOf } from './file-kind.js';

/*
 * Which image files a folder holds and the class of each: the class
 * subfolders' names, or the rows of a labels CSV.
 */

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.svg', '.avif'];

const isImageName = (name: string): boolean => IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
/** One image file to decode, with its class index (null when unlabelled). */
export interface Entry {
  file: string;
  label: number | null;
}
export async function listDir(dir: string): Promise<{ dirs: string[]; files: string[] }> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    throw cannotRead(dir, err);
  }
  const dirs: string[] = [];
  const files: string[] = [];
  for (const name of names) {
    // stat follows links and never opens, so a FIFO or a device is only looked at.
    const st = await fs.stat(path.join(dir, name)).catch(() => null);
    if (st?.isDirectory()) dirs.push(name);
    else files.push(name);
  }
  return { dirs, files };
}

/** The image files of one split: class subfolders when there are any, else the folder's own files. */
export async function scanSplit(dir: string): Promise<{ classes: string[] | null; byClass: Map<string | null, string[]>; others: number }> {
  const { dirs, files } = await listDir(dir);
  const byClass = new Map<string | null, string[]>();
  if (dirs.length === 0) {
    byClass.set(
      null,
      files.filter(isImageName).map((f) => path.join(dir, f)),
    );
    return { classes: null, byClass, others: files.length - byClass.get(null)!.length };
  }
  // Loose files beside class folders belong to no class; they are counted, not read.
  let others = files.length;
  for (const cls of dirs) {
    const inner = await listDir(path.join(dir, cls));
    const images = inner.files.filter(isImageName);
    others += inner.files.length - images.length;
    byClass.set(
      cls,
      images.map((f) => path.join(dir, cls, f)),
    );
  }
  return { classes: dirs, byClass, others };
}

export function entriesOf(byClass: Map<string | null, string[]>, classNames: string[] | null): Entry[] {
  return [...byClass].flatMap(([cls, files]) => files.map((file) => ({ file, label: cls === null || !classNames ? null : classNames.indexOf(cls) })));
}
/** A labels CSV larger than this is refused: it is read whole into memory. */
export const MAX_LABELS_CSV_BYTES = 64 * 1024 * 1024;

export const NOT_IN_CSV = 'not in the labels CSV';

export interface CsvLabels {
  /** The distinct values of the label column, sorted. */
  classNames: string[];
  /** Each listed file (relative to the folder, forward slashes) and its class index. */
  labelOf: Map<string, number>;
  /** A hash of the file's bytes and the column used, so that an edited CSV gives another cache key. */
  digest: string;
}

/** A CSV path as written in the file: forward slashes, no leading "./". */
function normalise(file: string): string {
  return path.posix.normalize(file.trim().replace(/\\/g, '/')).replace(/^\.\//, '');
}

/**
 * Reads a CSV of per-file metadata: a header row with a `file` column and
 * others; `column` (default: the first column after `file`) is the class.
 */
export async function readLabelsCsv(csv: string, column?: string): Promise<CsvLabels> {
  let st: Stats;
  try {
    st = await fs.stat(csv);
  } catch (err) {
    throw cannotRead(csv, err);
  }
  // stat first, so that a FIFO or a device is refused without being opened.
  if (!st.isFile()) throw new UserError('BAD_FILE', `${csv} is ${kindOf(st)}, not a file; choose a CSV file of labels.`);
  if (st.size > MAX_LABELS_CSV_BYTES) {
    throw new UserError('TOO_LARGE', `${csv} is ${Math.round(st.size / 2 ** 20)} MB; a labels CSV may be at most ${MAX_LABELS_CSV_BYTES / 2 ** 20} MB.`);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(csv);
  } catch (err) {
    throw cannotRead(csv, err);
  }
  let rows: string[][];
  try {
    rows = parse(bytes, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new UserError('BAD_FILE', `${csv} is not a readable CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  const header = (rows[0] ?? []).map((h) => h.trim());
  const fileAt = header.indexOf('file');
  if (fileAt < 0) {
    throw new UserError('BAD_FILE', `${csv} has no "file" column; its header row must name a "file" column of paths relative to the image folder.`);
  }
  const name = column ?? header[fileAt + 1];
  if (name === undefined) throw new UserError('BAD_FILE', `${csv} has no column after "file" to take the labels from; add one or name one.`);
  const labelAt = header.indexOf(name);
  if (labelAt < 0 || labelAt === fileAt) {
    throw new UserError('BAD_CONFIG', `${csv} has no "${name}" column to take the labels from; its columns are ${header.join(', ')}.`);
  }

  const byFile = new Map<string, string>();
  for (const [i, row] of rows.slice(1).entries()) {
    const file = normalise(row[fileAt] ?? '');
    const value = (row[labelAt] ?? '').trim();
    // A row without a file or a label names no labelled image; its image (if any) is skipped as unlisted.
    if (file === '' || file === '.' || value === '') continue;
    const earlier = byFile.get(file);
    if (earlier !== undefined && earlier !== value) {
      throw new UserError('BAD_FILE', `${csv} gives ${file} two labels ("${earlier}" and "${value}", row ${i + 2}); give each file one.`);
    }
    byFile.set(file, value);
  }
  const classNames = [...new Set(byFile.values())].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  const labelOf = new Map([...byFile].map(([file, value]) => [file, index.get(value)!]));
  const digest = createHash('sha256').update(bytes).update(`\0${name}`).digest('hex');
  return { classNames, labelOf, digest };
}

/** The entries the CSV lists, with its classes; the others are returned as skipped. */
export function applyCsvLabels(dir: string, entries: Entry[], labelOf: Map<string, number>): { kept: Entry[]; skipped: { file: string; reason: string }[] } {
  const kept: Entry[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const e of entries) {
    // The CSV names files relative to the folder with forward slashes, on every platform.
    const label = labelOf.get(path.relative(dir, e.file).split(path.sep).join('/'));
    if (label === undefined) skipped.push({ file: e.file, reason: NOT_IN_CSV });
    else kept.push({ file: e.file, label });
  }
  return { kept, skipped };
}

import { promises as fs, type Stats } from 'node:fs';
import { UserError } from '../contract/errors.js';

/** What a path is, in words, for a sentence like "… is a FIFO (named pipe), not a file". */
export function kindOf(st: Stats): string {
  if (st.isFile()) return 'a file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'something other than a file';
}

export function cannotRead(file: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError('NOT_FOUND', `${file} does not exist.`);
  return new UserError('BAD_FILE', `Cannot read ${file} (${code ?? (err as Error).message}).`);
}

/** Refuses anything but a regular file, naming what it is instead. */
export function requireFileStats(file: string, st: Stats): void {
  if (!st.isFile()) throw new UserError('BAD_FILE', `${file} is ${kindOf(st)}, not a file; choose an IDX file.`);
}

/**
 * Checks that `file` is a regular file without opening it. stat never opens,
 * so a FIFO cannot block here and a device never sees an open (some, like a
 * watchdog, act on one).
 */
export async function requireRegularFile(file: string): Promise<void> {
  let st: Stats;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw cannotRead(file, err);
  }
  requireFileStats(file, st);
}

/** Checks that `dir` is a folder; a missing one keeps the long-standing "is not a folder". */
export async function requireFolder(dir: string): Promise<void> {
  let st: Stats;
  try {
    st = await fs.stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError('NOT_FOUND', `${dir} is not a folder.`);
    throw cannotRead(dir, err);
  }
  if (!st.isDirectory()) {
    throw new UserError('BAD_FILE', `${dir} is ${kindOf(st)}, not a folder; choose a folder holding the four IDX files.`);
  }
}

import { promises as fs } from 'node:fs';
import { kindOf } from '../data/file-kind.js';
import { UserError } from '../contract/errors.js';

/** JSON files of a model folder are small; anything bigger is not one of ours. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Reads a file of a model folder only when it is a regular file of an
 * acceptable size (checked before reading, so /dev/zero or a FIFO named
 * manifest.json costs nothing); `exact` demands that size.
 */
export async function readModelFile(file: string, size: { max?: number; exact?: number }): Promise<Buffer> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError('BAD_MODEL', `${file} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`}; this is not a complete model folder.`);
  }
  if (!st.isFile()) throw new UserError('BAD_MODEL', `${file} is ${kindOf(st)}, not a file; this is not a model folder.`);
  if (size.exact !== undefined && st.size !== size.exact) {
    throw new UserError('BAD_MODEL', `${file} holds ${st.size} bytes but the model needs ${size.exact}.`);
  }
  if (size.max !== undefined && st.size > size.max) {
    throw new UserError('BAD_MODEL', `${file} is ${st.size} bytes, too large for a model's description (at most ${size.max}).`);
  }
  try {
    return await fs.readFile(file);
  } catch (err) {
    throw new UserError('BAD_MODEL', `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

export async function readJson(file: string): Promise<unknown> {
  const text = (await readModelFile(file, { max: MAX_JSON_BYTES })).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError('BAD_MODEL', `${file} is not valid JSON.`);
  }
}

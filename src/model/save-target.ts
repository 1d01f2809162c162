import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../contract/errors.js';
import { writeError } from '../util/atomic.js';
import { readJson } from './model-file.js';

/** What a model folder holds; anything else in a folder means it is not ours to replace. */
export const MODEL_ENTRIES = new Set(['manifest.json', 'encoder', 'decoder', 'optimizer.json', 'optimizer.bin', 'vectors.json', 'bookmarks']);

export type SaveTarget = { kind: 'new'; path: string } | { kind: 'empty'; path: string } | { kind: 'model'; path: string; description: string };

function describeManifest(raw: unknown): string | null {
  const m = raw as {
    format?: unknown;
    config?: { latentDim?: unknown; hidden?: unknown };
    dataset?: { name?: unknown };
    history?: unknown;
    savedAt?: unknown;
  } | null;
  if (m?.format !== 'latent-explorer-model') return null;
  const parts: string[] = [];
  if (typeof m.dataset?.name === 'string') parts.push(m.dataset.name);
  if (typeof m.config?.latentDim === 'number') parts.push(`latent ${m.config.latentDim}`);
  if (Array.isArray(m.history)) parts.push(`${m.history.length} epoch${m.history.length === 1 ? '' : 's'}`);
  if (typeof m.savedAt === 'string' && !Number.isNaN(Date.parse(m.savedAt))) {
    parts.push(`saved ${new Date(m.savedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  }
  return parts.join(', ') || 'a Latent Explorer model';
}

function listed(names: string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/**
 * Decides whether a model may be written at `dir`: a path that does not exist,
 * an empty folder, or a folder that holds a Latent Explorer model and nothing
 * else. A file, a link, or a folder of anything else is refused with a
 * sentence, and stays as it was.
 */
export async function inspectSaveTarget(dir: string): Promise<SaveTarget> {
  const abs = path.resolve(dir);
  let st;
  try {
    st = await fs.lstat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Nothing is there (or a file stands on the way, which the write reports in words).
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'new', path: abs };
    throw writeError(abs, err);
  }
  if (st.isSymbolicLink()) {
    throw new UserError('WRITE_FAILED', `${abs} is a link; a model is saved only to a real folder. Choose a new name or an empty folder.`);
  }
  if (!st.isDirectory()) {
    throw new UserError(
      'WRITE_FAILED',
      `${abs} is a file, not a folder; it was left as it is. A model is saved as a folder: choose a new name or an empty folder.`,
    );
  }
  const names = (await fs.readdir(abs)).sort();
  if (names.length === 0) return { kind: 'empty', path: abs };
  const foreign = names.filter((n) => !MODEL_ENTRIES.has(n));
  let description: string | null = null;
  if (names.includes('manifest.json')) {
    // Read only when it is a small regular file: a FIFO or /dev/zero named manifest.json is simply not a model.
    description = describeManifest(await readJson(path.join(abs, 'manifest.json')).catch(() => null));
  }
  if (description === null || foreign.length > 0) {
    const what = description === null ? `holds ${listed(names)}, which is not a Latent Explorer model` : `holds a model but also ${listed(foreign)}`;
    throw new UserError(
      'WRITE_FAILED',
      `${abs} ${what}; nothing in it was touched. A model goes into a new or empty folder, or replaces a model folder: choose another place.`,
    );
  }
  return { kind: 'model', path: abs, description };
}

/** Like `inspectSaveTarget`, and refuses to replace a model unless `replace` says so. */
export async function checkSaveTarget(dir: string, replace: boolean): Promise<SaveTarget> {
  const target = await inspectSaveTarget(dir);
  if (target.kind === 'model' && !replace) {
    throw new UserError('MODEL_EXISTS', `${target.path} already holds a model (${target.description}).`);
  }
  return target;
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from './errors.js';

function tempSibling(target: string, tag: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${tag}-${randomBytes(4).toString('hex')}`);
}

function writeError(target: string, err: unknown): UserError {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new UserError('WRITE_FAILED', `Cannot write ${target} (${reason}). Choose a folder you can write to.`, {
    cause: err,
  });
}

/**
 * Writes a file so that a reader sees either the old content or the new, never
 * half of it: the bytes go to a temporary sibling, are flushed, then renamed.
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempSibling(target, 'tmp');
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(target, err);
  }
}

/**
 * Writes a whole folder atomically: `fill` writes into a temporary sibling
 * folder, which then replaces `target`. A crash leaves the previous folder (or
 * nothing), never a folder that is half old and half new.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(path.resolve(target));
  try {
    await fs.mkdir(parent, { recursive: true });
  } catch (err) {
    throw writeError(target, err);
  }
  const tmp = tempSibling(target, 'tmp');
  const old = tempSibling(target, 'old');
  try {
    await fs.mkdir(tmp);
    await fill(tmp);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof UserError) throw err;
    throw writeError(target, err);
  }
  let moved = false;
  try {
    try {
      await fs.rename(target, old);
      moved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await fs.rename(tmp, target);
  } catch (err) {
    if (moved) await fs.rename(old, target).catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw writeError(target, err);
  }
  if (moved) await fs.rm(old, { recursive: true, force: true });
}

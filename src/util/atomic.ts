import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../contract/errors.js';

function tempSibling(target: string, tag: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${tag}-${randomBytes(4).toString('hex')}`);
}

const REASONS: Record<string, string> = {
  ENOENT: 'a folder on the way does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file stands where a folder is needed',
  EEXIST: 'a file stands where a folder is needed',
  EISDIR: 'a folder stands where the file should go',
  ENAMETOOLONG: 'the name is too long',
};

/** A write failure as a sentence naming the path and the reason in words. */
export function writeError(target: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = (code && REASONS[code]) ?? code ?? (err as Error).message;
  return new UserError('WRITE_FAILED', `Cannot write ${target}: ${reason}. Choose a place you can write to.`, {
    cause: err,
  });
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's own
 * `mkdir({ recursive: true })` never returns when the kernel answers ENOENT for
 * a folder whose parent exists (anywhere under /proc or /sys), which would
 * freeze the engine; this stops at the first refusal with its reason.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      if ((await fs.stat(d)).isDirectory()) break;
      throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(d) === d) throw err;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    await fs.mkdir(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
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
export async function writeDirAtomic(
  target: string,
  fill: (dir: string) => Promise<void>,
  /** Called with the previous folder once it is moved aside; a throw puts it back and fails the write. */
  beforeDiscard?: (old: string) => Promise<void>,
): Promise<void> {
  const parent = path.dirname(path.resolve(target));
  try {
    await makeDirs(parent);
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
    if (moved && beforeDiscard) await beforeDiscard(old);
    await fs.rename(tmp, target);
  } catch (err) {
    if (moved) await fs.rename(old, target).catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err instanceof UserError ? err : writeError(target, err);
  }
  if (moved) await fs.rm(old, { recursive: true, force: true });
}

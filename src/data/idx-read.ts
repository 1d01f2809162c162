import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { UserError } from '../contract/errors.js';
import { cannotRead, requireFileStats, requireRegularFile } from './file-kind.js';
import { MAX_IDX_HEADER_BYTES, badIdx, lengthMismatch, parseIdxHeader, type IdxHeader } from './idx-header.js';

/** Raw files are read in pieces this big, so an abort is seen between them. */
const READ_CHUNK = 8 * 2 ** 20;
/** Gzip output arrives in pieces this big; at most one piece past the promise is ever held. */
const GUNZIP_CHUNK = 64 * 2 ** 10;

function stopped(file: string): UserError {
  return new UserError('STOPPED', `Reading ${path.basename(file)} was stopped before it finished.`);
}

function checkSignal(file: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw stopped(file);
}

/**
 * The bytes of an IDX file, unpacked when gzipped, and exactly as long as its
 * header promises; anything else is refused before it costs memory. Only a
 * regular file is read: the path is checked with stat (no open), then opened
 * non-blocking (a FIFO swapped in meanwhile cannot hang the open) and checked
 * again on the handle, which is what is actually read.
 */
export async function readIdxBytes(file: string, signal?: AbortSignal): Promise<Uint8Array> {
  checkSignal(file, signal);
  await requireRegularFile(file);
  let fh: fs.FileHandle;
  try {
    // O_NONBLOCK is undefined on Windows, where `|` reads it as 0 and there are no FIFOs to block on.
    fh = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw cannotRead(file, err);
  }
  try {
    const st = await fh.stat();
    requireFileStats(file, st);
    const head = new Uint8Array(Math.min(st.size, MAX_IDX_HEADER_BYTES));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b) return await readGzip(fh, file, signal);
    return await readRaw(fh, file, st.size, start, signal);
  } finally {
    await fh.close();
  }
}

async function readRaw(fh: fs.FileHandle, file: string, size: number, head: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  const header = parseIdxHeader(head, file, head.length === size)!;
  if (header.totalBytes !== size) throw lengthMismatch(file, header, `the file holds ${size} bytes`);
  const out = new Uint8Array(size);
  out.set(head);
  let filled = head.length;
  while (filled < size) {
    checkSignal(file, signal);
    const { bytesRead } = await fh.read(out, filled, Math.min(READ_CHUNK, size - filled), filled);
    // The file shrank since fstat: say what it holds now rather than parse stale zeros.
    if (bytesRead === 0) throw lengthMismatch(file, header, `the file holds ${filled} bytes`);
    filled += bytesRead;
  }
  return out;
}

/** Collects gunzip output into one buffer sized by the header, refusing any byte beyond it. */
class IdxSink {
  private pending: Uint8Array = new Uint8Array(0);
  private header: IdxHeader | null = null;
  private out: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly file: string) {}

  push(chunk: Uint8Array): void {
    if (!this.out) {
      // Before the header is known, at most one header (≤ 1 KiB) plus one chunk is held.
      const joined = new Uint8Array(this.pending.length + chunk.length);
      joined.set(this.pending);
      joined.set(chunk, this.pending.length);
      this.header = parseIdxHeader(joined, this.file, false);
      if (!this.header) {
        this.pending = joined;
        return;
      }
      this.pending = new Uint8Array(0);
      this.out = new Uint8Array(this.header.totalBytes);
      chunk = joined;
    }
    const total = this.out.length;
    if (this.filled + chunk.length > total) {
      throw lengthMismatch(this.file, this.header!, `it unpacks to at least ${this.filled + chunk.length} bytes`);
    }
    this.out.set(chunk, this.filled);
    this.filled += chunk.length;
  }

  finish(): Uint8Array {
    if (!this.out) {
      parseIdxHeader(this.pending, this.file, true);
      throw badIdx(this.file, 'the header is cut short');
    }
    if (this.filled !== this.out.length) throw lengthMismatch(this.file, this.header!, `it unpacks to ${this.filled} bytes`);
    return this.out;
  }
}

async function readGzip(fh: fs.FileHandle, file: string, signal?: AbortSignal): Promise<Uint8Array> {
  const sink = new IdxSink(file);
  // pipeline may report a refusal from the sink as the AbortError of the
  // streams it then tears down, so the refusal is kept aside.
  let refusal: UserError | null = null;
  try {
    await pipeline(
      fh.createReadStream({ start: 0, highWaterMark: 2 ** 20, autoClose: false }),
      createGunzip({ chunkSize: GUNZIP_CHUNK }),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          try {
            checkSignal(file, signal);
            sink.push(chunk);
          } catch (err) {
            refusal = err as UserError;
            throw err;
          }
        }
      },
      signal ? { signal } : {},
    );
  } catch (err) {
    if (refusal) throw refusal;
    if (err instanceof UserError) throw err;
    if (signal?.aborted) throw stopped(file);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw badIdx(file, `the gzip data is corrupt (${(err as Error).message})`);
    throw cannotRead(file, err);
  }
  return sink.finish();
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MAX_IDX_VALUES, encodeIdx, parseIdx, readIdxFile } from '../../src/data/idx.js';
import { loadDataset } from '../../src/data/load.js';
import { UserError, type ErrorCode } from '../../src/contract/errors.js';
import { makeFifo, tempDir, writeGzipBomb, writeSyntheticFolder } from '../helpers/fixtures.js';

const refused = (code: ErrorCode, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, pattern);
  return true;
};

const mib = (n: number) => (n / 2 ** 20).toFixed(1);

// First in the file, so the process's peak RSS before it is this file's own baseline.
test('a gzip bomb whose header promises 1,000 values but inflates to 128 MiB is stopped after its first piece', async () => {
  const file = path.join(tempDir(), 'bomb.gz');
  await writeGzipBomb(file, 1000, 128);
  const before = process.memoryUsage().rss;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  let message = '';
  await assert.rejects(readIdxFile(file), (e: unknown) => {
    message = (e as Error).message;
    return refused('BAD_FILE', /bomb\.gz.*declares 1000 unsigned byte values \(1008 bytes\) but it unpacks to at least \d+ bytes/)(e);
  });
  const after = process.memoryUsage().rss;
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  console.log(`gzip bomb: RSS ${mib(before)} → ${mib(after)} MiB, peak RSS ${mib(peakBefore)} → ${mib(peakAfter)} MiB`);
  const unpacked = Number(/at least (\d+) bytes/.exec(message)![1]);
  assert.ok(unpacked <= 1008 + 2 ** 16, `read ${unpacked} bytes of output before stopping`);
  assert.ok(after - before < 40 * 2 ** 20, `RSS grew by ${mib(after - before)} MiB`);
  assert.ok(peakAfter - peakBefore < 40 * 2 ** 20, `peak RSS grew by ${mib(peakAfter - peakBefore)} MiB`);
});

test('a FIFO is refused at once, without waiting for a writer', { timeout: 10_000 }, async () => {
  const dir = tempDir();
  const fifo = makeFifo(dir, 'pipe.idx');
  await assert.rejects(readIdxFile(fifo), refused('BAD_FILE', /pipe\.idx is a FIFO \(named pipe\), not a file; choose an IDX file\./));
  await assert.rejects(loadDataset({ kind: 'files', images: fifo }), refused('BAD_FILE', /is a FIFO \(named pipe\), not a file/));
  const images = path.join(dir, 'images.idx');
  writeFileSync(images, encodeIdx([4, 2, 2], new Uint8Array(16)));
  await assert.rejects(loadDataset({ kind: 'files', images, labels: fifo }), refused('BAD_FILE', /pipe\.idx is a FIFO \(named pipe\), not a file/));
});

test('a folder spec that is a FIFO, and a dataset folder holding one, are refused without blocking', { timeout: 10_000 }, async () => {
  const fifo = makeFifo(tempDir(), 'data');
  await assert.rejects(
    loadDataset({ kind: 'folder', path: fifo }),
    refused('BAD_FILE', /data is a FIFO \(named pipe\), not a folder; choose a folder holding the four IDX files\./),
  );
  const dir = writeSyntheticFolder({ train: 8, test: 4 });
  // The test labels, the last file read, so everything before it was read normally.
  rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
  makeFifo(dir, 't10k-labels-idx1-ubyte');
  await assert.rejects(loadDataset({ kind: 'folder', path: dir }), refused('BAD_FILE', /t10k-labels-idx1-ubyte is a FIFO/));
});

test('devices and folders are refused by what they are, also through a symbolic link', async () => {
  await assert.rejects(readIdxFile('/dev/zero'), refused('BAD_FILE', /^\/dev\/zero is a character device, not a file; choose an IDX file\.$/));
  const dir = tempDir();
  const link = path.join(dir, 'zero.idx');
  symlinkSync('/dev/zero', link);
  await assert.rejects(readIdxFile(link), refused('BAD_FILE', /zero\.idx is a character device/));
  await assert.rejects(loadDataset({ kind: 'files', images: '/dev/zero' }), refused('BAD_FILE', /character device/));
  const sub = path.join(dir, 'sub.idx');
  mkdirSync(sub);
  await assert.rejects(readIdxFile(sub), refused('BAD_FILE', /sub\.idx is a folder, not a file/));
  await assert.rejects(loadDataset({ kind: 'files', images: sub }), refused('BAD_FILE', /is a folder, not a file/));
  const file = path.join(dir, 'plain.idx');
  writeFileSync(file, encodeIdx([2, 2, 2], new Uint8Array(8)));
  await assert.rejects(loadDataset({ kind: 'folder', path: file }), refused('BAD_FILE', /plain\.idx is a file, not a folder/));
  await assert.rejects(readIdxFile(path.join(dir, 'nothing.idx')), refused('NOT_FOUND', /nothing\.idx does not exist/));
});

test('a file shorter or longer than its header promises is refused naming both lengths, raw or gzip', async () => {
  const dir = tempDir();
  const good = encodeIdx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  const put = (name: string, bytes: Uint8Array) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const declared = /declares 2×2×2 unsigned byte values \(24 bytes\)/;
  await assert.rejects(
    readIdxFile(put('cut.idx', good.subarray(0, 23))),
    refused('BAD_FILE', new RegExp(`cut\\.idx.*${declared.source} but the file holds 23 bytes`)),
  );
  await assert.rejects(
    readIdxFile(put('long.idx', new Uint8Array([...good, 0, 0]))),
    refused('BAD_FILE', new RegExp(`${declared.source} but the file holds 26 bytes`)),
  );
  await assert.rejects(
    readIdxFile(put('cut.gz', gzipSync(good.subarray(0, 23)))),
    refused('BAD_FILE', new RegExp(`${declared.source} but it unpacks to 23 bytes`)),
  );
  await assert.rejects(
    readIdxFile(put('long.gz', gzipSync(new Uint8Array([...good, 0])))),
    refused('BAD_FILE', new RegExp(`${declared.source} but it unpacks to at least 25 bytes`)),
  );
  await assert.rejects(readIdxFile(put('broken.gz', gzipSync(good).subarray(0, 12))), refused('BAD_FILE', /broken\.gz.*gzip data is corrupt/));
  await assert.rejects(readIdxFile(put('empty.idx', new Uint8Array(0))), refused('BAD_FILE', /empty\.idx.*only 0 bytes long/));
  await assert.rejects(readIdxFile(put('short.gz', gzipSync(good.subarray(0, 6)))), refused('BAD_FILE', /short\.gz.*header is cut short/));
  // The same files, intact, read to the values parseIdx gives.
  for (const p of [put('ok.idx', good), put('ok.gz', gzipSync(good))]) {
    const got = await readIdxFile(p);
    assert.deepEqual(got.dims, [2, 2, 2]);
    assert.deepEqual(Array.from(got.values), Array.from(parseIdx(good, 'ok').values));
  }
});

test('a header promising more than a data file may hold is refused before anything is read', async () => {
  const dir = tempDir();
  // 65,536³ bytes promised by a 16-byte header, raw and gzipped.
  const header = encodeIdx([65536, 65536, 65536], []);
  for (const [name, bytes] of [
    ['huge.idx', header],
    ['huge.gz', gzipSync(header)],
  ] as const) {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    await assert.rejects(readIdxFile(p), refused('BAD_FILE', new RegExp(`declares 65536×65536×65536 .*at most ${MAX_IDX_VALUES} values`)));
  }
  assert.throws(() => parseIdx(header, 'huge'), refused('BAD_FILE', /at most \d+ values/));
});

test('float32 IDX files read back exactly, as float32', async () => {
  const dir = tempDir();
  const p = path.join(dir, 'f.idx');
  writeFileSync(p, encodeIdx([1, 1, 3], [0.1, 0.5, 1], 0x0d));
  const got = await readIdxFile(p);
  assert.ok(got.values instanceof Float32Array);
  assert.deepEqual(Array.from(got.values), Array.from(new Float32Array([0.1, 0.5, 1])));
});

test('an abort is honoured: before the first read, between reads, and through loadDataset', async () => {
  const dir = tempDir();
  const raw = path.join(dir, 'big.idx');
  writeFileSync(raw, encodeIdx([1, 8192, 8192], new Uint8Array(8192 * 8192)));
  const gz = path.join(dir, 'big.gz');
  await writeGzipBomb(gz, 64 * 2 ** 20, 0);
  const stopped = refused('STOPPED', /Reading big\.(idx|gz) was stopped before it finished\./);

  await assert.rejects(readIdxFile(raw, { signal: AbortSignal.abort() }), stopped);
  await assert.rejects(loadDataset({ kind: 'files', images: raw }, { signal: AbortSignal.abort() }), stopped);
  const folder = writeSyntheticFolder({ train: 8, test: 4 });
  await assert.rejects(loadDataset({ kind: 'folder', path: folder }, { signal: AbortSignal.abort() }), refused('STOPPED', /was stopped/));

  // Aborted on the first turn of the event loop: each file takes a stat, an
  // open and many reads (8 MiB each raw, 64 KiB of output each gzip), each
  // finishing on a later turn, so the abort always lands between two reads.
  for (const file of [raw, gz]) {
    const ctl = new AbortController();
    const reading = readIdxFile(file, { signal: ctl.signal });
    setImmediate(() => ctl.abort());
    await assert.rejects(reading, stopped);
  }
  // Unaborted, the same files load whole.
  assert.equal((await readIdxFile(raw)).values.length, 8192 * 8192);
  assert.equal((await readIdxFile(gz)).values.length, 64 * 2 ** 20);
});

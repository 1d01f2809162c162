import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { requestedThreads } from '../../src/engine/backend.js';
import { MAX_WASM_THREADS } from '../../src/engine/wasm-threads.js';
import { tempDir } from '../helpers/fixtures.js';

const PROBE = fileURLToPath(new URL('../helpers/backend-probe.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

interface Probe {
  name: string;
  threads: number;
  label: string;
  notes: string[];
  losses: number[];
  product: number[];
  tensors: number;
}

function run(args: string[], env: Record<string, string>, timeout = 60000): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, LATENT_EXPLORER_BACKEND: 'wasm', ...env }, timeout, killSignal: 'SIGKILL' },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number | string; signal?: string }).signal ?? (err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function probe(threads: string): Promise<Probe> {
  const r = await run(['--import', 'tsx', PROBE], { LATENT_EXPLORER_THREADS: threads });
  assert.equal(r.code, 0, `the probe on ${threads} thread(s) ended by itself (a thread left waiting would keep it alive): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Probe;
}

test('the wasm backend runs on two threads in Node, trains exactly as on one, and lets the process end', { timeout: 120000 }, async () => {
  const one = await probe('1');
  const two = await probe('2');
  assert.deepEqual([one.name, one.threads, one.label], ['wasm', 1, 'wasm']);
  assert.deepEqual([two.name, two.threads, two.label], ['wasm', 2, 'wasm (2 threads)']);
  assert.ok(!two.notes.some((n) => n.includes('threads')), `no fallback to one thread: ${two.notes.join('; ')}`);
  // XNNPACK splits a product by output tiles, so each sum is added in the same order on any number of threads.
  assert.deepEqual(two.product, one.product);
  assert.equal(two.losses.length, 10);
  for (let i = 0; i < one.losses.length; i++) {
    assert.ok(Math.abs(two.losses[i]! - one.losses[i]!) <= 1e-4 * Math.abs(one.losses[i]!), `step ${i >> 1}: ${two.losses[i]} vs ${one.losses[i]}`);
  }
  assert.ok(one.losses[8]! < one.losses[0]!, 'the steps trained');
  assert.equal(two.tensors, one.tensors);
});

test('more threads than cores still start (the pool is not capped at half the cores, as tfjs assumes)', { timeout: 60000 }, async () => {
  const four = await probe('4');
  assert.deepEqual([four.threads, four.label], [4, 'wasm (4 threads)']);
});

test('LATENT_EXPLORER_THREADS: 1 to 8, else a sentence naming the setting; unset, every core', () => {
  assert.equal(requestedThreads({ LATENT_EXPLORER_THREADS: '3' }), 3);
  assert.equal(requestedThreads({}), Math.min(MAX_WASM_THREADS, os.availableParallelism()));
  for (const bad of ['0', '9', '1.5', 'two', '-1']) {
    assert.throws(
      () => requestedThreads({ LATENT_EXPLORER_THREADS: bad }),
      new RegExp(`LATENT_EXPLORER_THREADS must be a whole number from 1 to 8; it is "${bad.replace('.', '\\.')}"`),
    );
  }
});

test('an invalid thread count stops the command line with that sentence, not a fall back to another backend', { timeout: 60000 }, async () => {
  const r = await run([BIN, 'train', '--out', path.join(tempDir(), 'm'), '--epochs', '1', '--limit', '128'], { LATENT_EXPLORER_THREADS: 'lots' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /LATENT_EXPLORER_THREADS must be a whole number from 1 to 8; it is "lots"/);
});

test('the built command line trains on two threads and says so', { timeout: 120000 }, async () => {
  const r = await run([BIN, 'train', '--out', path.join(tempDir(), 'm'), '--epochs', '1', '--limit', '256', '--latent', '2', '--hidden', '32'], {
    LATENT_EXPLORER_THREADS: '2',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /with the wasm \(2 threads\) backend/);
});

test('a missing thread file: the command line trains on one thread and says why, instead of failing', { timeout: 120000 }, async () => {
  // A copy of the built command line without its thread file, inside the project so its packages resolve.
  const copy = path.join('test-output', `cli-without-threads-${process.pid}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync('dist/cli', copy, { recursive: true });
  rmSync(path.join(copy, 'wasm-pthread.cjs'));
  try {
    const script = `const { main } = await import(${JSON.stringify(pathToFileURL(path.resolve(copy, 'main.mjs')).href)}); process.exitCode = await main(process.argv.slice(1));`;
    const r = await run(
      ['--input-type=module', '-e', script, 'train', '--out', path.join(tempDir(), 'm'), '--epochs', '1', '--limit', '128', '--latent', '2', '--hidden', '16'],
      { LATENT_EXPLORER_THREADS: '2' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /The WebAssembly backend runs on one thread \(wasm-pthread\.cjs is missing\): training takes about 1\.5× as long\./);
    assert.match(r.stderr, /with the wasm backend/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

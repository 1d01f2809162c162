// Training, encode and decode figures on one and on two threads. For each
// thread count a child process (bench/train-child.ts, with
// LATENT_EXPLORER_THREADS set: the wasm backend reads it once per process)
// measures, and this prints per thread count:
//   - the main model (default 784-512-3, batch 128, Adam 0.001) on all 60,000
//     MNIST images: per epoch seconds, img/s, ms/step, train and test −ELBO;
//     mean s/epoch and ms/step, final test −ELBO;
//   - the conv model (filters 32-64, dense 256, latent 16): one epoch on
//     --conv-limit images, s/epoch extrapolated to 60,000 images, ms/step;
//   - the stock-tfjs baseline: a Layers VAE of the main model's layout trained
//     with tf.train.adam(0.001).minimize, ms/step and the s/epoch it implies;
//   - encode of all 70,000 images, decode of one z (p50/p95) and of 1,000;
//   - tf.memory().numTensors at the start, around each training run, at the end;
// then a table comparing the thread counts (ratio: last over first).
//   npm run bench                                   1 and 2 threads, 3 epochs
//   npm run bench -- --threads 2 --epochs 10
//   npm run bench -- --epochs 1 --conv-limit 256 --baseline-steps 5    (a quick check)
//   npm run bench -- --arch conv --latent 16 --hidden 256 [--filters 32,64] [--limit 6000] [--iwae 50]
//   other options: --baseline-warmup 3 --decode-n 500
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TRAIN } from '../src/contract/defaults.js';
import { benchOptions, childArgs, MNIST_TRAIN, STEPS_PER_EPOCH, type ChildResult } from './train-options.js';

const opts = benchOptions(process.argv.slice(2));
const childScript = fileURLToPath(new URL('./train-child.ts', import.meta.url));
const threadsName = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');

/** Runs the child for one thread count; its last JSON line on stdout is the result. */
function measure(threads: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...childArgs(opts)], {
      env: { ...process.env, LATENT_EXPLORER_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.split('\n').filter((l) => l.trim() !== '');
      const json = [...lines].reverse().find((l) => l.startsWith('{'));
      for (const l of lines) if (l !== json) console.log(`  (${threadsName(threads)}) ${l}`);
      if (code !== 0 || !json) return reject(new Error(`the ${threadsName(threads)} run exited with ${code}${json ? '' : ' and printed no result'}`));
      resolve(JSON.parse(json) as ChildResult);
    });
  });
}

function report(r: ChildResult): void {
  const m = r.main;
  const t = r.tensors;
  console.log(`\n── ${threadsName(r.requestedThreads)}: backend ${r.backend.label}${r.backend.notes.length ? ` (${r.backend.notes.join('; ')})` : ''}`);
  console.log(
    `main model ${m.layout}, ${n0(m.parameters)} parameters, batch ${DEFAULT_TRAIN.batchSize}, Adam ${DEFAULT_TRAIN.learningRate}, ` +
      `${m.epochs.length} epoch${m.epochs.length > 1 ? 's' : ''} on ${n0(m.images)} images`,
  );
  console.log('epoch  seconds  img/s   ms/step  train −ELBO  test −ELBO  test rec  test KL');
  for (const e of m.epochs) {
    console.log(
      `${String(e.epoch).padStart(5)}  ${e.seconds.toFixed(1).padStart(7)}  ${Math.round(e.imagesPerSecond).toString().padStart(5)}  ${e.msPerStep.toFixed(1).padStart(7)}` +
        `  ${e.trainElbo.toFixed(2).padStart(11)}  ${e.testElbo.toFixed(2).padStart(10)}  ${e.testRecon.toFixed(2).padStart(8)}  ${e.testKl.toFixed(2).padStart(7)}`,
    );
  }
  console.log(
    `mean ${m.meanSeconds.toFixed(1)} s/epoch, ${m.meanMsPerStep.toFixed(1)} ms/step, ${m.coresBusy.toFixed(2)} cores busy; final test −ELBO ${m.testElbo?.toFixed(2) ?? '–'} nats`,
  );
  if (m.iwae) console.log(`IWAE k=${m.iwae.k}: ${m.iwae.nats.toFixed(2)} nats (${m.iwae.seconds.toFixed(1)} s)`);
  const c = r.conv;
  console.log(
    `conv model ${c.layout}, ${n0(c.parameters)} parameters: 1 epoch on ${n0(c.images)} images ${c.seconds.toFixed(1)} s ` +
      `→ ${c.secondsPer60k.toFixed(0)} s per ${n0(MNIST_TRAIN)}-image epoch, ${c.msPerStep.toFixed(1)} ms/step`,
  );
  const b = r.baseline;
  const vs = b.msPerStep / m.meanMsPerStep;
  console.log(
    `stock tfjs Layers VAE ${b.layout}, adam(${DEFAULT_TRAIN.learningRate}).minimize: ${b.steps} steps after ${b.warmup} warm-up ` +
      `${b.msPerStep.toFixed(1)} ms/step → ${b.secondsPerEpoch.toFixed(1)} s per ${STEPS_PER_EPOCH}-step epoch` +
      (m.layout === b.layout ? ` (the main model takes ${(1 / vs).toFixed(2)}× its time per step)` : ''),
  );
  console.log(`encode ${n0(r.encode.images)} images: ${r.encode.seconds.toFixed(2)} s (${n0(r.encode.imagesPerSecond)} img/s)`);
  console.log(
    `decode 1 z: p50 ${r.decode.p50.toFixed(2)} ms, p95 ${r.decode.p95.toFixed(2)} ms (n=${r.decode.n}); ` +
      `${n0(r.decode.batch)} z in one call: ${r.decode.batchMs.toFixed(1)} ms`,
  );
  console.log(
    `tensors: ${t.start} before the first model; main training ${t.mainBefore} → ${t.mainAfter}; conv training ${t.convBefore} → ${t.convAfter}; ` +
      `stock steps ${t.baselineBefore} → ${t.baselineAfter}; ${t.end} after all are disposed`,
  );
}

/** Rows: figures; columns: one per thread count, then last over first. */
function compare(rs: ChildResult[]): void {
  const rows: [string, (r: ChildResult) => number, number][] = [
    ['main model s/epoch', (r) => r.main.meanSeconds, 1],
    ['main model ms/step', (r) => r.main.meanMsPerStep, 1],
    ['cores busy while training', (r) => r.main.coresBusy, 2],
    ['main model final test −ELBO', (r) => r.main.testElbo ?? NaN, 2],
    [`conv model s/epoch (${n0(MNIST_TRAIN)}, extrapolated)`, (r) => r.conv.secondsPer60k, 0],
    ['conv model ms/step', (r) => r.conv.msPerStep, 1],
    ['stock tfjs ms/step', (r) => r.baseline.msPerStep, 1],
    [`stock tfjs s/epoch (${STEPS_PER_EPOCH} steps)`, (r) => r.baseline.secondsPerEpoch, 1],
    ['stock / main ms/step (same layout)', (r) => (r.baseline.layout === r.main.layout ? r.baseline.msPerStep / r.main.meanMsPerStep : NaN), 2],
    [`encode ${n0(MNIST_TRAIN + 10000)} s`, (r) => r.encode.seconds, 2],
    ['encode img/s', (r) => r.encode.imagesPerSecond, 0],
    ['decode 1 z p50 ms', (r) => r.decode.p50, 2],
    ['decode 1 z p95 ms', (r) => r.decode.p95, 2],
    ['decode 1,000 z ms', (r) => r.decode.batchMs, 1],
    ['tensors at start', (r) => r.tensors.start, 0],
    ['tensors at end', (r) => r.tensors.end, 0],
  ];
  const w = Math.max(...rows.map(([name]) => name.length));
  const heads = rs.map((r) => threadsName(r.requestedThreads));
  const ratioHead = rs.length > 1 ? `${rs.at(-1)!.requestedThreads}/${rs[0]!.requestedThreads}` : '';
  console.log(`\n── comparison (${rs.map((r) => `${threadsName(r.requestedThreads)}: ${r.backend.label}`).join(', ')})`);
  console.log(`${'figure'.padEnd(w)}  ${heads.map((h) => h.padStart(10)).join('  ')}${ratioHead ? `  ${ratioHead.padStart(6)}` : ''}`);
  for (const [name, get, digits] of rows) {
    const vals = rs.map(get);
    const cells = vals.map((v) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–'));
    const ratio = rs.length > 1 ? (vals.at(-1)! / vals[0]!).toFixed(2) : '';
    console.log(
      `${name.padEnd(w)}  ${cells.map((c) => c.padStart(10)).join('  ')}${ratio ? `  ${(Number.isFinite(Number(ratio)) ? ratio : '–').padStart(6)}` : ''}`,
    );
  }
}

const results: ChildResult[] = [];
for (const threads of opts.threads) {
  console.log(`measuring on ${threadsName(threads)}…`);
  const r = await measure(threads);
  report(r);
  results.push(r);
}
compare(results);

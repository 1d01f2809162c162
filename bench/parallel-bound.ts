// The best a data-parallel step could do on this machine, to compare with the
// threaded backend: two processes, each on one thread, compute the default
// model's gradients on half a batch (64 images) at the same time, with no
// copies between them. A real data-parallel step adds to this the exchange of
// weights and gradients (3.2 MB each way) and one Adam update, so if this
// bound is not below the threaded step, data-parallel steps cannot win.
//   node --import tsx bench/parallel-bound.ts
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const STEPS = 300;
const WARMUP = 30;

if (process.argv[2] === 'child') {
  const tf = await import('@tensorflow/tfjs');
  const { initBackend } = await import('../src/engine/backend.js');
  const { loadDataset } = await import('../src/data/load.js');
  const { DEFAULT_MODEL } = await import('../src/contract/defaults.js');
  const { createModel } = await import('../src/model/architectures.js');
  const { gradients } = await import('../src/train/gradients.js');
  const { gatherPixels } = await import('../src/data/dataset.js');
  const rows = Number(process.argv[3]);
  const backend = await initBackend();
  const ds = await loadDataset({ kind: 'mnist' });
  const vae = createModel({ ...DEFAULT_MODEL, height: 28, width: 28 }, 0);
  const buf = new Float32Array(rows * 784);
  const idx = new Uint32Array(rows);
  const step = (s: number) => {
    for (let i = 0; i < rows; i++) idx[i] = (s * rows + i) % ds.train.count;
    const { grads, sums } = gradients(vae, gatherPixels(ds.train, idx, buf), rows, 1, s + 1);
    sums.dataSync();
    tf.dispose([...grads, sums]);
  };
  for (let s = 0; s < WARMUP; s++) step(s);
  // What one exchange would copy: every weight into the backend and every gradient out of it.
  const params = vae.variables().reduce((n, v) => n + v.size, 0);
  const host = new Float32Array(params);
  const c = performance.now();
  for (let k = 0; k < 50; k++) {
    const t = tf.tensor1d(host);
    host.set(t.dataSync());
    t.dispose();
  }
  const copyMs = (performance.now() - c) / 50;
  const t = performance.now();
  for (let s = 0; s < STEPS; s++) step(s);
  console.log(JSON.stringify({ label: backend.label, rows, ms: (performance.now() - t) / STEPS, copyMs, params }));
  process.exit(0);
}

function child(threads: number, rows: number): Promise<{ label: string; rows: number; ms: number; copyMs: number; params: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', String(rows)], {
      env: { ...process.env, LATENT_EXPLORER_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`child exited ${code}`))));
  });
}

const threaded = await child(2, 128);
console.log(`gradients of one 128-image batch, ${threaded.label}: ${threaded.ms.toFixed(2)} ms`);
const alone = await child(1, 64);
console.log(`gradients of a 64-image half batch, one thread, alone: ${alone.ms.toFixed(2)} ms`);
const [a, b] = await Promise.all([child(1, 64), child(1, 64)]);
const bound = Math.max(a.ms, b.ms);
console.log(
  `the same in two processes at once (the data-parallel bound): ${a.ms.toFixed(2)} and ${b.ms.toFixed(2)} ms → ${bound.toFixed(2)} ms a step before any copy or Adam`,
);
console.log(
  `copying all ${alone.params.toLocaleString('en-US')} parameters into the backend and out again: ${alone.copyMs.toFixed(2)} ms (an exchange does this on both sides)`,
);
console.log(
  bound < threaded.ms
    ? `data-parallel could save at most ${(threaded.ms - bound).toFixed(2)} ms a step, before copying 3.2 MB of weights and of gradients each way`
    : `data-parallel cannot beat the threaded backend here: its bound is ${(bound - threaded.ms).toFixed(2)} ms a step slower before any copy`,
);

// The conv model's gradients on the wasm backend, layer by layer at its MNIST
// shapes (batch 128, filters 32-64): tfjs' own kernels against the ones the
// model uses, and one whole training step.
//   node --import tsx bench/conv-ops.ts
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend.js';
import { convFilterGrad, convInputGrad } from '../src/model/conv.js';
import { createModel } from '../src/model/architectures.js';
import { gradients } from '../src/train/gradients.js';
import { DEFAULT_MODEL } from '../src/contract/defaults.js';

const backend = await initBackend();
const B = 128;
type Shape4 = [number, number, number, number];

/** Mean milliseconds of fn over a few runs, after one warm-up; null when the backend cannot run it. */
function time(fn: () => tf.Tensor | tf.Tensor[], runs = 5): number | null {
  try {
    tf.dispose(fn());
  } catch {
    return null;
  }
  const t = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = fn();
    for (const x of Array.isArray(r) ? r : [r]) x.dataSync();
    tf.dispose(r);
  }
  return (performance.now() - t) / runs;
}
const ms = (v: number | null) => (v === null ? 'no kernel' : `${v.toFixed(1)} ms`);

// [layer, input x, its gradient dy, kernel, stride]: the model's convolutions
// (encoder) and transposed convolutions (decoder: x is the output side).
const layers: Array<[string, Shape4, Shape4, number]> = [
  ['enc conv 28×28×1 → 14×14×32', [B, 28, 28, 1], [B, 14, 14, 32], 2],
  ['enc conv 14×14×32 → 7×7×64', [B, 14, 14, 32], [B, 7, 7, 64], 2],
  ['dec deconv 7×7×64 → 14×14×64', [B, 14, 14, 64], [B, 7, 7, 64], 2],
  ['dec deconv 14×14×64 → 28×28×32', [B, 28, 28, 32], [B, 14, 14, 64], 2],
  ['dec deconv 28×28×32 → 28×28×1', [B, 28, 28, 1], [B, 28, 28, 32], 1],
];
console.log(`backend ${backend.name}; batch ${B}; mean of 5 runs`);
console.log('layer                              input grad: tfjs   ours      filter grad: tfjs   ours');
for (const [name, xs, dys, s] of layers) {
  const x = tf.randomNormal(xs) as tf.Tensor4D;
  const dy = tf.randomNormal(dys) as tf.Tensor4D;
  const f = tf.randomNormal([3, 3, xs[3], dys[3]]) as tf.Tensor4D;
  const stockIn = time(() => tf.conv2dTranspose(dy, f, xs, s, 'same'));
  const oursIn = time(() => convInputGrad(dy, f, xs, s));
  const stockF = time(() => tf.grads((fv: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, fv as tf.Tensor4D, s, 'same'), dy)))([f]));
  const oursF = time(() => convFilterGrad(x, dy, 3, s));
  console.log(`${name.padEnd(34)} ${ms(stockIn).padStart(14)} ${ms(oursIn).padStart(9)} ${ms(stockF).padStart(20)} ${ms(oursF).padStart(9)}`);
  tf.dispose([x, dy, f]);
}

const vae = createModel({ ...DEFAULT_MODEL, latentDim: 16, hidden: [256], arch: 'conv', filters: [32, 64], height: 28, width: 28 }, 1);
const px = new Float32Array(B * 784).map((_, i) => ((i * 2654435761) >>> 0) / 4294967296);
const step = time(() => {
  const r = gradients(vae, px, B, 1, 1);
  return [...r.grads, r.sums];
});
vae.dispose();
console.log(
  `whole step (forward and backward, conv 32-64, dense 256, latent 16): ${ms(step)}; tensors left after the model is disposed: ${tf.memory().numTensors}`,
);

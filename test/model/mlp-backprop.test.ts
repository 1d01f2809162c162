import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/architectures.js';
import type { NativeConfig } from '../../src/contract/shapes.js';
import type { VaeModel } from '../../src/model/vae-model.js';
import { gradients } from '../../src/train/gradients.js';
import { Rng } from '../../src/util/rng.js';
import { assertNoLeak, maxAbsDiff, setupTf } from '../helpers/tf.js';

before(async () => {
  await setupTf();
});

/** The objective's gradients through tfjs' tape, as every architecture without hand-written ones gets them. */
function taped(vae: VaeModel, pixels: Float32Array, rows: number, klWeight: number, seed: number): { grads: Float32Array[]; sums: Float32Array } {
  const byHand = vae.objectiveGradients;
  (vae as { objectiveGradients?: unknown }).objectiveGradients = undefined;
  try {
    const r = gradients(vae, pixels, rows, klWeight, seed);
    const out = { grads: r.grads.map((g) => g.dataSync() as Float32Array), sums: r.sums.dataSync() as Float32Array };
    tf.dispose([...r.grads, r.sums]);
    return out;
  } finally {
    (vae as { objectiveGradients?: unknown }).objectiveGradients = byHand;
  }
}

const base: NativeConfig = { height: 6, width: 5, latentDim: 3, hidden: [16], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 };
const cases: Array<[string, Partial<NativeConfig>]> = [
  ['one hidden layer, relu, Bernoulli', {}],
  ['two hidden layers, tanh', { hidden: [16, 8], activation: 'tanh' }],
  ['elu', { activation: 'elu', hidden: [12] }],
  ['sigmoid', { activation: 'sigmoid', hidden: [12] }],
  ['Gaussian with a fixed σ', { likelihood: 'gaussian', sigma: 0.2 }],
];

for (const [name, over] of cases) {
  test(`the hand-written gradients equal the tape's: ${name}`, async () => {
    const vae = createModel({ ...base, ...over }, 5);
    const rows = 7;
    const rng = new Rng(11);
    const pixels = new Float32Array(rows * 30).map(() => rng.next());
    for (const [klWeight, seed] of [
      [1, 3],
      [0.25, 0],
    ] as const) {
      const ref = taped(vae, pixels, rows, klWeight, seed);
      const mine = await assertNoLeak('the hand-written gradients', () => {
        const r = gradients(vae, pixels, rows, klWeight, seed);
        const out = { grads: r.grads.map((g) => g.dataSync() as Float32Array), sums: r.sums.dataSync() as Float32Array };
        tf.dispose([...r.grads, r.sums]);
        return out;
      });
      assert.equal(mine.grads.length, vae.variables().length);
      assert.ok(maxAbsDiff(mine.sums, ref.sums) < 1e-3 * Math.max(1, Math.abs(ref.sums[0]!)), `sums ${mine.sums} vs ${ref.sums}`);
      mine.grads.forEach((g, i) => {
        const scale = Math.max(1e-3, ...Array.from(ref.grads[i]!, Math.abs));
        assert.ok(
          maxAbsDiff(g, ref.grads[i]!) < 1e-4 * scale,
          `variable ${i} (${vae.variables()[i]!.name}), w ${klWeight}: ${maxAbsDiff(g, ref.grads[i]!)} of ${scale}`,
        );
      });
    }
    vae.dispose();
  });
}

test('a learned σ goes through the tape (the hand-written path has no gradient for it)', () => {
  const vae = createModel({ ...base, likelihood: 'gaussian', sigma: 0.2, learnSigma: true }, 5);
  const x = tf.zeros([2, 30]) as tf.Tensor2D;
  assert.equal(vae.objectiveGradients?.(x, 1, 1), null);
  const r = gradients(vae, new Float32Array(60).fill(0.5), 2, 1, 1);
  assert.equal(r.grads.length, vae.variables().length);
  assert.ok(Math.abs(r.grads.at(-1)!.dataSync()[0]!) > 0, 'log σ has a gradient');
  tf.dispose([x, ...r.grads, r.sums]);
  vae.dispose();
});

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dense } from '../../src/model/dense.js';
import { bernoulliNll, gaussianNll, klStandardNormal } from '../../src/model/loss.js';
import { createModel } from '../../src/model/architectures.js';
import type { VaeModel } from '../../src/model/vae-model.js';
import { klWeightAt } from '../../src/model/config.js';
import { ACTIVATIONS, type NativeConfig } from '../../src/contract/shapes.js';
import { assertNoLeak, maxAbsDiff, setupTf } from '../helpers/tf.js';

before(async () => {
  await setupTf();
});

const cfg = (over: Partial<NativeConfig> = {}): NativeConfig => ({
  height: 4,
  width: 5,
  latentDim: 3,
  hidden: [16, 8],
  activation: 'relu',
  likelihood: 'bernoulli',
  sigma: 0.1,
  ...over,
});

/** Both architectures, at sizes small enough to test quickly: the MLP on grey 4×5, the conv model on colour 8×8. */
const ARCHS: Array<[string, NativeConfig]> = [
  ['mlp', cfg()],
  ['conv', cfg({ arch: 'conv', height: 8, width: 8, channels: 3, filters: [4, 6], hidden: [16] })],
];
const pixelsOf = (c: NativeConfig) => c.height * c.width * (c.channels ?? 1);

test('the fast dense op matches a stock tfjs Dense layer, values and gradients, for every activation and shape', async () => {
  // The second shape (wide layer, small batch) takes the (W·dzᵀ)ᵀ path for dx.
  for (const [act, rows, ins, units] of ACTIVATIONS.flatMap(
    (a) =>
      [
        [a, 6, 5, 7],
        [a, 3, 40, 50],
      ] as const,
  )) {
    const layer = tf.layers.dense({
      units,
      activation: act,
      inputShape: [ins],
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      biasInitializer: 'ones',
    });
    const x = tf.randomNormal([rows, ins], 0, 1, 'float32', 11) as tf.Tensor2D;
    layer.apply(x); // builds the weights
    const [k, b] = layer.trainableWeights.map((w) => w.read()) as [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>];
    const target = tf.randomNormal([rows, units], 0, 1, 'float32', 12);
    const lossStock = () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, target)) as tf.Scalar;
    const lossFast = () => tf.sum(tf.mul(dense(x, k, b, act), target)) as tf.Scalar;
    const stock = tf.variableGrads(lossStock, [k, b]);
    const fast = tf.variableGrads(lossFast, [k, b]);
    assert.ok(Math.abs((await stock.value.data())[0]! - (await fast.value.data())[0]!) < 1e-4, `${act} value`);
    for (const name of [k.name, b.name]) {
      assert.ok(maxAbsDiff(await stock.grads[name]!.data(), await fast.grads[name]!.data()) < 1e-4, `${act} grad of ${name}`);
    }
    // And the input gradient, which the stock op computes with A·Bᵀ.
    const gStock = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, target)))(x);
    const gFast = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(dense(xi as tf.Tensor2D, k, b, act), target)))(x);
    assert.ok(maxAbsDiff(await gStock.data(), await gFast.data()) < 1e-4, `${act} input grad`);
    tf.dispose([x, target, stock.value, fast.value, gStock, gFast, ...Object.values(stock.grads), ...Object.values(fast.grads)]);
    layer.dispose();
  }
});

test('Bernoulli NLL is the cross-entropy with logits summed over pixels, stable for large logits', async () => {
  const logits = tf.tensor2d([
    [-3, 0.5, 2],
    [1, -1, 0],
  ]);
  const x = tf.tensor2d([
    [0, 1, 0.3],
    [1, 0, 0.5],
  ]);
  const got = await bernoulliNll(logits, x).data();
  const l = await logits.data();
  const xs = await x.data();
  for (let r = 0; r < 2; r++) {
    let want = 0;
    for (let c = 0; c < 3; c++) {
      const p = 1 / (1 + Math.exp(-l[r * 3 + c]!));
      const v = xs[r * 3 + c]!;
      want += -(v * Math.log(p) + (1 - v) * Math.log(1 - p));
    }
    assert.ok(Math.abs(got[r]! - want) < 1e-4, `row ${r}: ${got[r]} vs ${want}`);
  }
  // Logits far out in the tails: the naive formula gives Infinity or NaN; this stays finite and exact.
  const big = await bernoulliNll(tf.tensor2d([[200, -200]]), tf.tensor2d([[0, 1]])).data();
  assert.ok(Math.abs(big[0]! - 400) < 1e-3, `got ${big[0]}`);
  // The custom gradient is σ(l) − x.
  const g = await tf
    .grad((li: tf.Tensor) => tf.sum(bernoulliNll(li as tf.Tensor2D, x)))(logits)
    .data();
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(g[i]! - (1 / (1 + Math.exp(-l[i]!)) - xs[i]!)) < 1e-6);
});

test('Gaussian NLL is the full log-density in nats, summed over pixels', async () => {
  const logits = tf.tensor2d([[0, 0]]); // mean 0.5 each
  const x = tf.tensor2d([[0.7, 0.5]]);
  const sigma = 0.2;
  const got = (await gaussianNll(logits, x, sigma).data())[0]!;
  const want = (0.2 * 0.2) / (2 * sigma * sigma) + 2 * (Math.log(sigma) + 0.5 * Math.log(2 * Math.PI));
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
});

test('KL to N(0, I) is summed over latent dims and zero at the prior', async () => {
  const kl = await klStandardNormal(
    tf.tensor2d([
      [0, 0],
      [1, 0],
    ]),
    tf.tensor2d([
      [0, 0],
      [Math.log(4), 0],
    ]),
  ).data();
  assert.ok(Math.abs(kl[0]!) < 1e-7);
  // 0.5 (σ² + μ² − 1 − log σ²) for the first dim, 0 for the second.
  assert.ok(Math.abs(kl[1]! - 0.5 * (4 + 1 - 1 - Math.log(4))) < 1e-5);
});

test('KL weight follows β and a linear warm-up', () => {
  assert.equal(klWeightAt({ beta: 2, warmupEpochs: 0 }, 0), 2);
  assert.equal(klWeightAt({ beta: 2, warmupEpochs: 4 }, 1), 0.5);
  assert.equal(klWeightAt({ beta: 2, warmupEpochs: 4 }, 9), 2);
});

for (const [arch, base] of ARCHS) {
  test(`${arch}: the training forward pass equals the Layers models, and pixels lie in [0, 1]`, async () => {
    const vae = createModel(base, 5);
    const x = tf.randomUniform([3, pixelsOf(base)], 0, 1, 'float32', 2) as tf.Tensor2D;
    const [m1, v1] = vae.encoder.predict(x) as tf.Tensor[];
    const { mean, logVar } = vae.encode(x);
    assert.ok(maxAbsDiff(await m1!.data(), await mean.data()) < 1e-5);
    assert.ok(maxAbsDiff(await v1!.data(), await logVar.data()) < 1e-5);
    const logits = vae.decoder.predict(mean) as tf.Tensor;
    assert.ok(maxAbsDiff(await logits.data(), await vae.decodeLogits(mean).data()) < 1e-5);
    const px = await vae.pixels(mean).data();
    assert.equal(px.length, 3 * pixelsOf(base));
    assert.ok(px.every((p) => p >= 0 && p <= 1));
    // Exactly one sigmoid between logits and pixels.
    const l = await logits.data();
    assert.ok(
      maxAbsDiff(
        px,
        Array.from(l, (v) => 1 / (1 + Math.exp(-v))),
      ) < 1e-6,
    );
    vae.dispose();
  });

  test(`${arch}: a seed fixes the initial weights`, async () => {
    const a = createModel(base, 9);
    const b = createModel(base, 9);
    const c = createModel(base, 10);
    const w = async (v: VaeModel) => v.variables()[0]!.data();
    assert.equal(maxAbsDiff(await w(a), await w(b)), 0);
    assert.ok(maxAbsDiff(await w(a), await w(c)) > 0);
    [a, b, c].forEach((v) => v.dispose());
  });

  test(`${arch}: the model's forward and backward passes leak no tensors`, async () => {
    const vae = createModel({ ...base, activation: 'tanh' }, 1);
    const x = tf.randomUniform([4, pixelsOf(base)]) as tf.Tensor2D;
    await assertNoLeak('encode/decode under tidy', () => tf.tidy(() => void vae.pixels(vae.encode(x).mean)));
    await assertNoLeak('variableGrads', () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(vae.nll(vae.decodeLogits(vae.encode(x).mean), x)) as tf.Scalar, vae.variables());
      tf.dispose([value, ...Object.values(grads)]);
    });
    x.dispose();
    vae.dispose();
  });
}

test('a conv model whose image does not halve once per convolution is refused with a sentence naming a size that does', () => {
  assert.throws(
    () => createModel(cfg({ arch: 'conv', height: 10, width: 10, filters: [8, 8] })),
    /needs images whose height and width divide by 4, and these are 10×10; choose an image size such as 28/,
  );
});

test('a learned σ is a trained variable: its gradient moves it toward the residual, and the configuration reports it', async () => {
  const vae = createModel(cfg({ likelihood: 'gaussian', sigma: 1, learnSigma: true }), 3);
  const fixed = createModel(cfg({ likelihood: 'gaussian', sigma: 1 }), 3);
  assert.equal(vae.variables().length, fixed.variables().length + 1);
  const logSigma = vae.variables().at(-1)!;
  const x = tf.randomUniform([8, 20], 0, 1, 'float32', 4) as tf.Tensor2D;
  // Pixels lie in [0, 1], so the residual is far below σ = 1: the NLL falls as σ shrinks.
  const { value, grads } = tf.variableGrads(() => tf.mean(vae.nll(vae.decodeLogits(vae.encode(x).mean), x)) as tf.Scalar, [logSigma]);
  assert.ok(grads[logSigma.name]!.dataSync()[0]! > 0);
  logSigma.assign(tf.scalar(Math.log(0.25)));
  assert.ok(Math.abs(vae.config.sigma - 0.25) < 1e-6);
  assert.equal(fixed.config.sigma, 1);
  tf.dispose([x, value, ...Object.values(grads)]);
  vae.dispose();
  fixed.dispose();
});

test('invalid configurations are refused with a sentence naming the field', () => {
  assert.throws(() => createModel(cfg({ latentDim: 257 })), /Latent dims must be a whole number from 1 to 256\./);
  assert.throws(() => createModel(cfg({ hidden: [] })), /Give from 1 to 8 hidden sizes, one per layer\./);
  assert.throws(() => createModel(cfg({ sigma: 0 })), /σ must be above 0 and at most 10\./);
});

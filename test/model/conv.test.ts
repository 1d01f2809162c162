import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { conv2d, conv2dTranspose, samePadding } from '../../src/model/conv.js';
import { ACTIVATIONS } from '../../src/contract/shapes.js';
import { assertNoLeak, maxAbsDiff, setupTf } from '../helpers/tf.js';

let fast = '';
before(async () => {
  fast = await setupTf();
});

type Arrays = { y: Float32Array; dx: Float32Array; df: Float32Array; db: Float32Array };
type Case = { x: number[]; k: number; inC: number; outC: number; stride: number };

function random(shape: number[], seed: number): { data: Float32Array; shape: number[] } {
  const t = tf.randomUniform(shape, -1, 1, 'float32', seed);
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return { data, shape };
}

/** Values and gradients of a loss Σ y·w (w fixed weights), by our ops or by tfjs' own kernels. */
function run(kind: 'conv' | 'transpose', ours: boolean, c: Case, act: (typeof ACTIVATIONS)[number]): Arrays {
  return tf.tidy(() => {
    const [b, h, w] = c.x;
    const xIn = random([b!, h!, w!, c.inC], 1);
    const fShape = kind === 'conv' ? [c.k, c.k, c.inC, c.outC] : [c.k, c.k, c.outC, c.inC];
    const f0 = random(fShape, 2);
    const b0 = random([c.outC], 3);
    const x = tf.tensor4d(xIn.data, xIn.shape as [number, number, number, number]);
    const f = tf.tensor4d(f0.data, f0.shape as [number, number, number, number]);
    const bias = tf.tensor1d(b0.data);
    const forward = (xv: tf.Tensor4D, fv: tf.Tensor4D, bv: tf.Tensor1D): tf.Tensor4D => {
      if (ours) return kind === 'conv' ? conv2d(xv, fv, bv, c.stride, act) : conv2dTranspose(xv, fv, bv, c.stride, act);
      const [bb, hh, ww] = xv.shape;
      const z =
        kind === 'conv' ? tf.conv2d(xv, fv, c.stride, 'same') : tf.conv2dTranspose(xv, fv, [bb, hh * c.stride, ww * c.stride, c.outC], c.stride, 'same');
      const pre = tf.add(z, bv);
      return (act === 'relu' ? tf.relu(pre) : act === 'tanh' ? tf.tanh(pre) : act === 'elu' ? tf.elu(pre) : tf.sigmoid(pre)) as tf.Tensor4D;
    };
    const y = forward(x, f, bias);
    const weights = tf.randomUniform(y.shape, -1, 1, 'float32', 4);
    const g = tf.grads((xv: tf.Tensor, fv: tf.Tensor, bv: tf.Tensor) =>
      tf.sum(tf.mul(forward(xv as tf.Tensor4D, fv as tf.Tensor4D, bv as tf.Tensor1D), weights)),
    );
    const [dx, df, db] = g([x, f, bias]);
    return { y: y.dataSync(), dx: dx!.dataSync(), df: df!.dataSync(), db: db!.dataSync() } as unknown as Arrays;
  }) as unknown as Arrays;
}

const CASES: Case[] = [
  { x: [3, 28, 28], k: 3, inC: 1, outC: 4, stride: 2 },
  { x: [2, 7, 7], k: 3, inC: 5, outC: 3, stride: 2 },
  { x: [2, 8, 6], k: 3, inC: 2, outC: 3, stride: 2 },
  { x: [2, 5, 5], k: 3, inC: 3, outC: 2, stride: 1 },
  { x: [1, 9, 9], k: 4, inC: 2, outC: 2, stride: 3 },
];

test("the fast convolution and transposed convolution match tfjs' own kernels (on the CPU backend), values and all three gradients", async () => {
  assert.equal(fast, 'wasm', 'these ops exist for the wasm backend, which must be the one under test');
  for (const kind of ['conv', 'transpose'] as const) {
    for (const c of CASES) {
      for (const act of ACTIVATIONS) {
        const got = run(kind, true, c, act);
        await tf.setBackend('cpu');
        const want = run(kind, false, c, act);
        await tf.setBackend(fast);
        const what = `${kind} ${JSON.stringify(c)} ${act}`;
        assert.equal(got.y.length, want.y.length, `${what}: output size`);
        for (const key of ['y', 'dx', 'df', 'db'] as const) {
          const scale = Math.max(1, ...Array.from(want[key], Math.abs));
          assert.ok(maxAbsDiff(got[key], want[key]) < 1e-4 * scale, `${what}: ${key} differs by ${maxAbsDiff(got[key], want[key])}`);
        }
      }
    }
  }
});

test("'same' padding follows TensorFlow: the odd pixel goes at the end", () => {
  assert.deepEqual(samePadding(28, 3, 2), { out: 14, before: 0, after: 1 });
  assert.deepEqual(samePadding(7, 3, 2), { out: 4, before: 1, after: 1 });
  assert.deepEqual(samePadding(14, 3, 1), { out: 14, before: 1, after: 1 });
  assert.deepEqual(samePadding(9, 4, 3), { out: 3, before: 0, after: 1 });
  assert.deepEqual(samePadding(10, 5, 2), { out: 5, before: 1, after: 2 });
});

test('the convolution ops leak no tensors, forward or backward', async () => {
  // Outside any tidy: whatever the ops leave behind stays counted.
  const x = tf.randomUniform([2, 8, 8, 3]) as tf.Tensor4D;
  const f = tf.randomUniform([3, 3, 3, 4]) as tf.Tensor4D;
  const ft = tf.randomUniform([3, 3, 4, 3]) as tf.Tensor4D;
  const b = tf.zeros([4]) as tf.Tensor1D;
  await assertNoLeak('conv ops', () => {
    for (let i = 0; i < 3; i++) {
      const g = tf.grads((xv: tf.Tensor, fv: tf.Tensor, bv: tf.Tensor) => tf.sum(conv2d(xv as tf.Tensor4D, fv as tf.Tensor4D, bv as tf.Tensor1D, 2, 'relu')));
      const h = tf.grads((xv: tf.Tensor, fv: tf.Tensor, bv: tf.Tensor) =>
        tf.sum(conv2dTranspose(xv as tf.Tensor4D, fv as tf.Tensor4D, bv as tf.Tensor1D, 2, 'tanh')),
      );
      tf.dispose([...g([x, f, b]), ...h([x, ft, b])]);
    }
  });
  tf.dispose([x, f, ft, b]);
});

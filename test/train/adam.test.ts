import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { startAdam, type AdamKind } from '../../src/train/adam.js';
import type { AdamState } from '../../src/model/optimizer-state.js';
import { assertNoLeak, maxAbsDiff, setupTf } from '../helpers/tf.js';

before(async () => {
  await setupTf();
});

// Every update is held to the same tests: in the wasm backend's memory on this thread alone and with a
// helper thread taking half of each variable, and as tfjs ops.
for (const [kind, threads] of [
  ['heap', 1],
  ['heap', 2],
  ['tensor', 1],
] as Array<[AdamKind, number]>) {
  const name = `${kind}${threads > 1 ? `, ${threads} threads` : ''}`;
  const Adam = (vars: tf.Variable[], lr: number, initial: AdamState | null = null) => startAdam(vars, lr, initial, kind, threads);
  test(`${name}: follows the same path as tfjs's Adam (same maths, bias corrections folded into the step)`, async () => {
    const target = tf.tensor1d([3, -2, 0.5]);
    const loss = (w: tf.Variable) => () => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar;
    const a = tf.variable(tf.zeros([3]));
    const b = tf.variable(tf.zeros([3]));
    const ours = await Adam([a], 0.05);
    const ref = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 50; i++) {
      const { grads } = tf.variableGrads(loss(a), [a]);
      ours.apply([grads[a.name]!]);
      tf.dispose(Object.values(grads));
      ref.minimize(loss(b), false, [b]);
    }
    const diff = maxAbsDiff(await a.data(), await b.data());
    assert.ok(diff < 1e-4, `${Array.from(await a.data())} vs ${Array.from(await b.data())}`);
    ours.dispose();
    ref.dispose();
  });

  test(`${name}: moments that decay for want of gradient end at exactly zero, never as subnormal floats`, async () => {
    const w = tf.variable(tf.zeros([4]));
    const adam = await Adam([w], 0.001);
    const one = tf.ones([4]);
    const zero = tf.zeros([4]);
    adam.apply([one]);
    await assertNoLeak('Adam.apply', () => adam.apply([zero]));
    for (let i = 0; i < 1200; i++) adam.apply([zero]);
    const state = (await adam.state())!;
    const subnormal = (x: number) => x !== 0 && Math.abs(x) < 1.1754943508222875e-38;
    assert.ok(!state.m[0]!.some(subnormal), `m: ${Array.from(state.m[0]!)}`);
    assert.deepEqual(Array.from(state.m[0]!), [0, 0, 0, 0]);
    assert.ok(
      state.v[0]!.every((x) => x > 1e-30),
      'v decays slowly and stays normal',
    );
    assert.equal(state.iterations, 1202);
    adam.dispose();
    tf.dispose([one, zero, w]);
  });

  test(`${name}: creating, restoring and disposing the optimiser leaks nothing`, async () => {
    const w = tf.variable(tf.zeros([3]));
    await assertNoLeak('Adam lifecycle', async () => {
      const a = await Adam([w], 0.01);
      const g = tf.ones([3]);
      a.apply([g]);
      g.dispose();
      const b = await Adam([w], 0.01, await a.state());
      a.dispose();
      b.dispose();
    });
    w.dispose();
  });

  test(`${name}: restored state continues exactly`, async () => {
    const g = tf.tensor1d([0.3, -1]);
    const w1 = tf.variable(tf.zeros([2]));
    const w2 = tf.variable(tf.zeros([2]));
    const a = await Adam([w1], 0.01);
    for (let i = 0; i < 5; i++) a.apply([g]);
    w2.assign(w1);
    const b = await Adam([w2], 0.01, await a.state());
    a.apply([g]);
    b.apply([g]);
    assert.deepEqual(Array.from(await w1.data()), Array.from(await w2.data()));
    a.dispose();
    b.dispose();
  });

  test(`${name}: several variables of different shapes, updated together, follow their own paths and save by variable`, async () => {
    const targets = [tf.tensor2d([[1, -1, 2]]), tf.tensor1d([0.5, 4]), tf.scalar(-3)];
    const ours = targets.map((t) => tf.variable(tf.zerosLike(t)));
    const theirs = targets.map((t) => tf.variable(tf.zerosLike(t)));
    const loss = (ws: tf.Variable[]) => () => tf.addN(ws.map((w, i) => tf.sum(tf.square(tf.sub(w, targets[i]!))))) as tf.Scalar;
    const adam = await Adam(ours, 0.05);
    const ref = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 30; i++) {
      const { grads } = tf.variableGrads(loss(ours), ours);
      adam.apply(ours.map((w) => grads[w.name]!));
      tf.dispose(Object.values(grads));
      ref.minimize(loss(theirs), false, theirs);
    }
    for (const [i, w] of ours.entries()) {
      assert.deepEqual(w.shape, targets[i]!.shape);
      assert.ok(maxAbsDiff(await w.data(), await theirs[i]!.data()) < 1e-4, `variable ${i}`);
    }
    const state = await adam.state();
    assert.deepEqual(
      state!.m.map((m) => m.length),
      [3, 2, 1],
      'moments are saved per variable, in order',
    );
    tf.dispose([...targets, ...ours, ...theirs]);
    adam.dispose();
    ref.dispose();
  });

  test(`${name}: a product taken after a step uses the new weights (the backend caches operators with weights packed in)`, async () => {
    const x = tf.randomNormal([8, 16], 0, 1, 'float32', 1);
    const w = tf.variable(tf.randomNormal([16, 4], 0, 1, 'float32', 2));
    const adam = await Adam([w], 0.1);
    const before = tf.matMul(x, w);
    const g = tf.onesLike(w);
    adam.apply([g]);
    const after = tf.matMul(x, w);
    const fresh = tf.tidy(() => tf.matMul(x, tf.tensor(w.dataSync(), w.shape)));
    assert.ok(maxAbsDiff(after.dataSync(), before.dataSync()) > 0.01, 'the step moved the product');
    assert.ok(maxAbsDiff(after.dataSync(), fresh.dataSync()) < 1e-5, 'the product is that of the new weights');
    adam.dispose();
    tf.dispose([x, w, before, g, after, fresh]);
  });
}

test('the helper thread changes nothing: two threads give the same weights and moments as one, to the bit', async () => {
  const shapes = [[33, 17], [17], [5]];
  const run = async (threads: number) => {
    const vars = shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i)));
    const adam = await startAdam(vars, 0.01, null, 'heap', threads);
    for (let step = 0; step < 6; step++) {
      const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 * step + i + 1));
      adam.apply(grads);
      tf.dispose(grads);
    }
    const weights = vars.map((w) => Array.from(w.dataSync()));
    const state = (await adam.state())!;
    adam.dispose();
    tf.dispose(vars);
    return { weights, m: state.m.map((x) => Array.from(x)), v: state.v.map((x) => Array.from(x)) };
  };
  const one = await run(1);
  const two = await run(2);
  assert.deepEqual(two, one);
});

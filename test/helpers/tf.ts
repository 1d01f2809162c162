import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/engine/backend.js';

/** Starts the same backend the app would pick (wasm here). */
export async function setupTf(): Promise<string> {
  return (await initBackend()).name;
}

/**
 * Runs `fn` and asserts that it leaves no tensor behind: tf.memory().numTensors
 * is the same before and after. Returns what fn returned.
 */
export async function assertNoLeak<T>(what: string, fn: () => Promise<T> | T): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  assert.equal(after, before, `${what} leaked ${after - before} tensor(s)`);
  return result;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'arrays differ in length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

import * as tf from '@tensorflow/tfjs';

/**
 * Adam's state per model variable (in `Vae.variables()` order), independent of
 * tfjs variable names, so it can be saved with a model and split across threads.
 */
export interface AdamState {
  iterations: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** Reads an Adam optimiser's state for the variables it was applied to, in apply order; null before its first step. */
export async function readAdam(opt: tf.Optimizer): Promise<AdamState | null> {
  const w = await opt.getWeights();
  if (w.length <= 1) return null;
  const [iter, ...rest] = w;
  const n = rest.length / 2;
  const data = await Promise.all(rest.map((t) => t.tensor.data() as Promise<Float32Array>));
  const iterations = (await iter!.tensor.data())[0]!;
  return { iterations, m: data.slice(0, n), v: data.slice(n) };
}

/** Restores state read by `readAdam` into an optimiser whose apply order matches `vars`. */
export async function writeAdam(opt: tf.Optimizer, state: AdamState, vars: tf.Variable[]): Promise<void> {
  const named = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.m.map((m, i) => ({ name: `${vars[i]!.name}/m`, tensor: tf.tensor(m, vars[i]!.shape) })),
    ...state.v.map((v, i) => ({ name: `${vars[i]!.name}/v`, tensor: tf.tensor(v, vars[i]!.shape) })),
  ];
  await opt.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}

import * as tf from '@tensorflow/tfjs';
import type { AdamState } from '../model/optimizer-state.js';

const FLUSH_EVERY = 25;
const TINY = 1e-30;

/**
 * Adam (Kingma & Ba), with the bias corrections folded into the step size.
 * Unlike tfjs's own, it flushes moments below 1e−30 to zero every few steps:
 * weights that never get a gradient (those of always-black border pixels) see
 * their first moment decay by 0.9 a step into subnormal floats, where rounding
 * keeps it for ever, and subnormal operands slowed every later step by a
 * quarter on the build machines.
 */
export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t: number;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly lr: number,
    initial: AdamState | null = null,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.t = initial?.iterations ?? 0;
    // tidy disposes the initial values; the variables keep their own data.
    const make = (from: Float32Array[] | undefined) =>
      vars.map((w, i) => tf.tidy(() => tf.variable(from ? tf.tensor(from[i]!, w.shape) : tf.zerosLike(w), false)));
    this.m = make(initial?.m);
    this.v = make(initial?.v);
  }

  /** One update from gradients given in the order of the variables. */
  apply(grads: tf.Tensor[]): void {
    this.t += 1;
    const { beta1: b1, beta2: b2 } = this;
    const c2 = Math.sqrt(1 - b2 ** this.t);
    const step = (this.lr * c2) / (1 - b1 ** this.t);
    const epsHat = this.eps * c2;
    const flush = this.t % FLUSH_EVERY === 0;
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        const g = grads[i]!;
        let m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1));
        let v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2));
        w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsHat)), step)));
        if (flush) {
          m = tf.where(tf.less(tf.abs(m), TINY), tf.zerosLike(m), m);
          v = tf.where(tf.less(v, TINY), tf.zerosLike(v), v);
        }
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
      });
    });
  }

  /** The state by variable index, for saving; null before the first step. */
  async state(): Promise<AdamState | null> {
    if (this.t === 0) return null;
    const m = await Promise.all(this.m.map((x) => x.data() as Promise<Float32Array>));
    const v = await Promise.all(this.v.map((x) => x.data() as Promise<Float32Array>));
    return { iterations: this.t, m, v };
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

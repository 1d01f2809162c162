import * as tf from '@tensorflow/tfjs';
import type { AdamState } from '../model/optimizer-state.js';

const FLUSH_EVERY = 25;
const TINY = 1e-30;

/**
 * Adam (Kingma & Ba), with the bias corrections folded into the step size.
 * Unlike tfjs's own, it flushes moments below 1e−30 to zero: weights that
 * never get a gradient (those of always-black border pixels) see their first
 * moment decay by 0.9 a step into subnormal floats, where rounding keeps it
 * for ever, and subnormal operands slowed every later step by a quarter on
 * the build machines.
 *
 * On the wasm backend the update is one pass in JavaScript over each
 * variable, reading and writing the backend's memory (`HeapAdam`): tfjs ops
 * take a dozen passes a variable, and its Sqrt is a scalar loop, which made
 * Adam a quarter of a training step. Elsewhere (native TensorFlow, plain JS) it runs
 * as tfjs ops (`TensorAdam`).
 */
export interface Adam {
  /** One update from gradients given in the order of the variables. */
  apply(grads: tf.Tensor[]): void;
  /** The state by variable index, for saving; null before the first step. */
  state(): Promise<AdamState | null>;
  dispose(): void;
}

export type AdamKind = 'heap' | 'tensor';

/** The fastest Adam for the backend that runs (or the one asked for, in tests). */
export function createAdam(vars: tf.Variable[], lr: number, initial: AdamState | null = null, kind: AdamKind = heapOf(tf.backend()) ? 'heap' : 'tensor'): Adam {
  return kind === 'heap' ? new HeapAdam(vars, lr, initial) : new TensorAdam(vars, lr, initial);
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Step size and ε with the bias corrections of step t folded in. */
function corrected(lr: number, t: number): { step: number; epsHat: number } {
  const c2 = Math.sqrt(1 - BETA2 ** t);
  return { step: (lr * c2) / (1 - BETA1 ** t), epsHat: EPS * c2 };
}

/** What the wasm backend offers for reading and allocating its memory; absent on other backends. */
interface HeapBackend {
  typedArrayFromHeap(t: { shape: number[]; dtype: string; dataId: object }): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

function heapOf(backend: tf.KernelBackend): HeapBackend | null {
  const b = backend as unknown as Partial<HeapBackend>;
  return typeof b.typedArrayFromHeap === 'function' && typeof b.makeOutput === 'function' ? (b as HeapBackend) : null;
}

class HeapAdam implements Adam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t: number;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly lr: number,
    initial: AdamState | null,
  ) {
    this.t = initial?.iterations ?? 0;
    this.m = vars.map((w, i) => Float32Array.from(initial?.m[i] ?? new Float32Array(w.size)));
    this.v = vars.map((w, i) => Float32Array.from(initial?.v[i] ?? new Float32Array(w.size)));
  }

  apply(grads: tf.Tensor[]): void {
    const heap = heapOf(tf.backend());
    if (!heap) throw new Error("This Adam writes into the wasm backend's memory; it cannot run on another backend.");
    this.t += 1;
    const { step, epsHat } = corrected(this.lr, this.t);
    this.vars.forEach((w, i) => {
      const g = grads[i]!;
      // The new weights go into new memory, never over the old: the backend
      // keeps XNNPACK operators with the weights packed inside, cached by
      // tensor, and only a new tensor tells it they changed. (The memory is
      // allocated before any view of the heap is taken, since it may grow it.)
      const next = tf.engine().makeTensorFromTensorInfo(heap.makeOutput(w.shape, 'float32'));
      const gv = g.dtype === 'float32' ? heap.typedArrayFromHeap(g) : Float32Array.from(g.dataSync());
      update(heap.typedArrayFromHeap(w), gv, this.m[i]!, this.v[i]!, step, epsHat, heap.typedArrayFromHeap(next));
      w.assign(next);
      next.dispose();
    });
  }

  async state(): Promise<AdamState | null> {
    if (this.t === 0) return null;
    return { iterations: this.t, m: this.m.map((x) => x.slice()), v: this.v.map((x) => x.slice()) };
  }

  dispose(): void {}
}

/** One Adam step over one variable, from w into out; moments below 1e−30 become exactly zero. */
function update(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: number, epsHat: number, out: Float32Array): void {
  const a1 = 1 - BETA1;
  const a2 = 1 - BETA2;
  const n = w.length;
  for (let j = 0; j < n; j++) {
    const gj = g[j]!;
    let mj = BETA1 * m[j]! + a1 * gj;
    let vj = BETA2 * v[j]! + a2 * gj * gj;
    // Written as selects, not `if`s: m's sign is a coin toss, and a branch on it was mispredicted half the time (3× slower).
    mj = Math.abs(mj) < TINY ? 0 : mj;
    vj = vj < TINY ? 0 : vj;
    m[j] = mj;
    v[j] = vj;
    out[j] = w[j]! - (step * mj) / (Math.sqrt(vj) + epsHat);
  }
}

class TensorAdam implements Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t: number;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly lr: number,
    initial: AdamState | null,
  ) {
    this.t = initial?.iterations ?? 0;
    // tidy disposes the initial values; the variables keep their own data.
    const make = (from: Float32Array[] | undefined) =>
      vars.map((w, i) => tf.tidy(() => tf.variable(from ? tf.tensor(from[i]!, w.shape) : tf.zerosLike(w), false)));
    this.m = make(initial?.m);
    this.v = make(initial?.v);
  }

  apply(grads: tf.Tensor[]): void {
    this.t += 1;
    const { step, epsHat } = corrected(this.lr, this.t);
    const flush = this.t % FLUSH_EVERY === 0;
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        const g = grads[i]!;
        let m = tf.add(tf.mul(this.m[i]!, BETA1), tf.mul(g, 1 - BETA1));
        let v = tf.add(tf.mul(this.v[i]!, BETA2), tf.mul(tf.square(g), 1 - BETA2));
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

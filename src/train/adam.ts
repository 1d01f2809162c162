import * as tf from '@tensorflow/tfjs';
import type { Worker } from 'node:worker_threads';
import type { AdamState } from '../model/optimizer-state.js';
import { startTsWorker } from '../util/ts-worker.js';
import type { AdamThreadData } from './adam-thread.js';
import { BETA1, BETA2, corrected, JOB_HEADER, SEGMENT_FIELDS, TINY, updateRange, writeJob, type Segment } from './adam-update.js';

const FLUSH_EVERY = 25;

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

/**
 * The fastest Adam for the backend that runs (or the kind asked for, in
 * tests). On the threaded wasm backend a helper thread takes half of each
 * update (`threads: 2`), so Adam, like the matrix products, runs on both cores.
 */
export async function startAdam(
  vars: tf.Variable[],
  lr: number,
  initial: AdamState | null = null,
  kind: AdamKind = heapOf(tf.backend()) ? 'heap' : 'tensor',
  threads = heapOf(tf.backend())?.wasm.HEAPU8.buffer instanceof SharedArrayBuffer ? 2 : 1,
): Promise<Adam> {
  if (kind === 'tensor') return new TensorAdam(vars, lr, initial);
  const adam = new HeapAdam(vars, lr, initial);
  if (threads > 1) await adam.startHelper();
  return adam;
}

/** What the wasm backend offers for reading and allocating its memory; absent on other backends. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
}

function heapOf(backend: tf.KernelBackend): HeapBackend | null {
  const b = backend as unknown as Partial<HeapBackend>;
  return typeof b.makeOutput === 'function' && b.dataIdMap && b.wasm?.HEAPU8 ? (b as HeapBackend) : null;
}

/** Past this, a helper thread that has not finished its half is taken for dead. */
const HELPER_TIMEOUT_MS = 10_000;

class HeapAdam implements Adam {
  /** Both moments of every variable, one after another (variable i from offsets[i]), in memory a helper thread can share. */
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly offsets: number[];
  private t: number;
  private helper: AdamHelper | null = null;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly lr: number,
    initial: AdamState | null,
  ) {
    this.t = initial?.iterations ?? 0;
    this.offsets = [];
    let total = 0;
    for (const w of vars) {
      this.offsets.push(total);
      total += w.size;
    }
    this.m = new Float32Array(new SharedArrayBuffer(4 * total));
    this.v = new Float32Array(new SharedArrayBuffer(4 * total));
    vars.forEach((_, i) => {
      if (initial?.m[i]) this.m.set(initial.m[i]!, this.offsets[i]);
      if (initial?.v[i]) this.v.set(initial.v[i]!, this.offsets[i]);
    });
  }

  async startHelper(): Promise<void> {
    this.helper = await AdamHelper.start(this.m, this.v, JOB_HEADER + SEGMENT_FIELDS * this.vars.length);
  }

  apply(grads: tf.Tensor[]): void {
    const heap = heapOf(tf.backend());
    if (!heap) throw new Error("This Adam writes into the wasm backend's memory; it cannot run on another backend.");
    this.t += 1;
    const { step, epsHat } = corrected(this.lr, this.t);
    tf.tidy(() => {
      const g32 = grads.map((g) => (g.dtype === 'float32' ? g : tf.cast(g, 'float32')));
      // The new weights go into new memory, never over the old: the backend
      // keeps XNNPACK operators with the weights packed inside, cached by
      // tensor, and only a new tensor tells it they changed. All of it is
      // allocated before the heap is viewed, since allocating may grow it.
      const next = this.vars.map((w) => tf.engine().makeTensorFromTensorInfo(heap.makeOutput(w.shape, 'float32')));
      const at = (t: tf.Tensor) => heap.dataIdMap.get(t.dataId)!.memoryOffset / 4;
      const buffer = heap.wasm.HEAPU8.buffer;
      const all = new Float32Array(buffer);
      const segments: Segment[] = this.vars.map((w, i) => ({ w: at(w), g: at(g32[i]!), out: at(next[i]!), mv: this.offsets[i]!, from: 0, to: w.size }));
      if (this.helper) {
        // The helper takes the second half of every variable while this thread does the first.
        const split = segments.map((s) => s.to >> 1);
        this.helper.begin(
          buffer as SharedArrayBuffer,
          step,
          epsHat,
          segments.map((s, i) => ({ ...s, from: split[i]! })),
        );
        segments.forEach((s, i) => updateRange(all, this.m, this.v, { ...s, to: split[i]! }, step, epsHat));
        this.helper.finish();
      } else {
        for (const s of segments) updateRange(all, this.m, this.v, s, step, epsHat);
      }
      this.vars.forEach((w, i) => w.assign(next[i]!));
    });
  }

  async state(): Promise<AdamState | null> {
    if (this.t === 0) return null;
    const part = (x: Float32Array) => this.vars.map((w, i) => x.slice(this.offsets[i], this.offsets[i]! + w.size));
    return { iterations: this.t, m: part(this.m), v: part(this.v) };
  }

  dispose(): void {
    this.helper?.stop();
    this.helper = null;
  }
}

/** The engine thread's side of the helper thread (adam-thread.ts). */
class AdamHelper {
  private job = 0;
  private sent: SharedArrayBuffer | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly control: Int32Array,
    private readonly jobs: Float64Array,
  ) {}

  static async start(m: Float32Array, v: Float32Array, jobNumbers: number): Promise<AdamHelper> {
    const data: AdamThreadData = {
      control: new SharedArrayBuffer(8),
      job: new SharedArrayBuffer(8 * jobNumbers),
      m: m.buffer as SharedArrayBuffer,
      v: v.buffer as SharedArrayBuffer,
    };
    const entry = new URL(import.meta.url.endsWith('.ts') ? './adam-thread.ts' : './adam-thread.mjs', import.meta.url);
    const worker = startTsWorker(entry, data);
    // It waits on shared memory for ever; it must not keep the process alive.
    worker.unref();
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`Adam's helper thread ended (${code}) before it started.`)));
    });
    return new AdamHelper(worker, new Int32Array(data.control), new Float64Array(data.job));
  }

  begin(heap: SharedArrayBuffer, step: number, epsHat: number, segments: Segment[]): void {
    if (heap !== this.sent) {
      this.worker.postMessage(heap);
      this.sent = heap;
    }
    writeJob(this.jobs, step, epsHat, heap.byteLength, segments);
    this.job += 1;
    Atomics.store(this.control, 0, this.job);
    Atomics.notify(this.control, 0);
  }

  finish(): void {
    while (Atomics.load(this.control, 1) !== this.job) {
      if (Atomics.wait(this.control, 1, this.job - 1, HELPER_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`Adam's helper thread did not finish its half of step ${this.job} within ${HELPER_TIMEOUT_MS / 1000} s.`);
      }
    }
  }

  stop(): void {
    Atomics.store(this.control, 0, -1);
    Atomics.notify(this.control, 0);
    void this.worker.terminate();
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

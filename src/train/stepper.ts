import * as tf from '@tensorflow/tfjs';
import type { VaeModel } from '../model/vae-model.js';
import { startAdam, type Adam } from './adam.js';
import type { AdamState } from '../model/optimizer-state.js';
import { gradients } from './gradients.js';

/**
 * Adam steps on the batch-mean objective, one pass over the whole batch. Both
 * cores work inside each step: the wasm backend's matrix products run on its
 * thread pool and Adam on a helper thread. (Data-parallel steps, half a batch
 * a thread, were measured against this: at best 0.6 ms of a 14 ms step
 * faster once weights and gradients are copied between threads, within the
 * noise of one run; `bench/parallel-bound.ts`.)
 */
export class AdamStepper {
  private constructor(
    private readonly vae: VaeModel,
    private readonly adam: Adam,
  ) {}

  static async start(vae: VaeModel, learningRate: number, initial: AdamState | null): Promise<AdamStepper> {
    return new AdamStepper(vae, await startAdam(vae.variables(), learningRate, initial));
  }

  /** One step (the reconstruction scored against `target`, by default the input); returns the batch means of reconstruction NLL and KL. */
  step(pixels: Float32Array, rows: number, klWeight: number, seed: number, target: Float32Array = pixels): [number, number] {
    const { grads, sums } = gradients(this.vae, pixels, rows, klWeight, seed, target);
    this.adam.apply(grads);
    const [rec, kl] = sums.dataSync();
    tf.dispose([...grads, sums]);
    return [rec! / rows, kl! / rows];
  }

  /** Adam's state by variable index, or null before the first step. */
  state(): Promise<AdamState | null> {
    return this.adam.state();
  }

  dispose(): void {
    this.adam.dispose();
  }
}

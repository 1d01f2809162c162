import * as tf from '@tensorflow/tfjs';
import type { VaeModel } from '../model/vae-model.js';
import { startAdam, type Adam } from './adam.js';
import type { AdamState } from '../model/optimizer-state.js';
import { gradients } from './gradients.js';

/**
 * Adam steps on the batch-mean objective, one pass over the whole batch on
 * this thread. (Splitting each step over two threads was measured slower on
 * the 2-core build machines: the gradient and weight copies between threads and
 * memory-bound Adam running on both cores cost more than the second core saved.)
 */
export class AdamStepper {
  private constructor(
    private readonly vae: VaeModel,
    private readonly adam: Adam,
  ) {}

  static async start(vae: VaeModel, learningRate: number, initial: AdamState | null): Promise<AdamStepper> {
    return new AdamStepper(vae, await startAdam(vae.variables(), learningRate, initial));
  }

  /** One step; returns the batch means of reconstruction NLL and KL. */
  step(pixels: Float32Array, rows: number, klWeight: number, seed: number): [number, number] {
    const { grads, sums } = gradients(this.vae, pixels, rows, klWeight, seed);
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

import type { Calls } from './calls.js';
import type { LatentState } from './latent.svelte.js';

/** Prior samples drawn beside the encoded points. */
export const PRIOR_SAMPLES = 2000;

/**
 * The prior N(0, I) drawn beside the encoded points: samples of it placed
 * with the projection the scatter shows. Where prior samples lie and no
 * encoded point does is a hole: decodes there go wrong.
 */
export class PriorLayer {
  #shown = $state(false);
  #positions = $state.raw<Float32Array | null>(null);
  /** The points the positions were placed for: new points (another projection, more training) need them placed again. */
  #placedFor: object | null = null;
  readonly #calls: Calls;
  readonly #latent: LatentState;

  constructor(calls: Calls, latent: LatentState) {
    this.#calls = calls;
    this.#latent = latent;
  }

  get shown(): boolean {
    return this.#shown;
  }

  /** count × 3 scene positions of the prior samples, when shown and placed. */
  get positions(): Float32Array | null {
    return this.#shown ? this.#positions : null;
  }

  toggle(): Promise<void> {
    this.#shown = !this.#shown;
    return this.update();
  }

  /** Places the samples for the points now shown (called when they change); the same samples every time. */
  async update(): Promise<void> {
    const pts = this.#latent.points;
    if (!this.#shown || !pts) return;
    if (this.#placedFor === pts) return;
    this.#placedFor = pts;
    const placed = await this.#calls.background(() => this.#calls.api.project({ prior: PRIOR_SAMPLES, seed: 1, view: this.#latent.view }), 'scatter');
    // Points replaced while these were placed: the next update places them again.
    if (this.#placedFor === pts && placed) this.#positions = placed.positions;
  }

  clear(): void {
    this.#positions = null;
    this.#placedFor = null;
  }
}

import type { LatentState } from './latent.svelte.js';
import type { SelectionState } from './selection.svelte.js';
import type { VectorsState } from './vectors.svelte.js';

/**
 * Decoded points shown in the scatter, placed with the projection it shows:
 * the sampled z of the picked point, each a ray from its mean (sampling is
 * not deterministic: the rays show how far the samples stray), and the point
 * a vector's slider moved to, a ray from where it started.
 */
export class DecodedPoints {
  #pairs = $state.raw<Float32Array | null>(null);
  #asked = 0;
  readonly #latent: LatentState;
  readonly #selection: SelectionState;
  readonly #vectors: VectorsState;

  constructor(latent: LatentState, selection: SelectionState, vectors: VectorsState) {
    this.#latent = latent;
    this.#selection = selection;
    this.#vectors = vectors;
  }

  /** Scene points in pairs (from, to), one pair per ray; null when there is nothing to draw. */
  get pairs(): Float32Array | null {
    return this.#pairs;
  }

  /** The latent pairs (from, to) to draw now, in order. */
  #latentPairs(): Float32Array[] {
    const out: Float32Array[] = [];
    const d = this.#selection.detail;
    if (d?.kind === 'point' && d.samples.z.length > 0) {
      const k = d.mean.z.length;
      for (let i = 0; i < d.samples.z.length / k; i++) out.push(d.mean.z, d.samples.z.subarray(i * k, (i + 1) * k));
    }
    const moved = this.#vectors.movedZ;
    const origin = this.#vectors.origin;
    if (moved && origin) out.push(origin, moved);
    return out;
  }

  /**
   * Places the pairs with the projection shown. Reads what it depends on
   * before its first wait, so an effect that calls it runs it again when any
   * of them changes; a newer call wins.
   */
  async update(): Promise<void> {
    const pts = this.#latent.points;
    const z = this.#latentPairs();
    const asked = ++this.#asked;
    if (!pts || z.length === 0) {
      this.#pairs = null;
      return;
    }
    const k = z[0]!.length;
    const all = new Float32Array(z.length * k);
    z.forEach((v, i) => all.set(v, i * k));
    const placed = await this.#latent.placeMany(all);
    if (asked === this.#asked) this.#pairs = placed;
  }
}

import type { Output } from '../../../../src/contract/index.js';
import { latestOnly } from '../../../../src/rpc/client.js';
import type { Calls } from './calls.js';
import type { SessionMirror } from './session.svelte.js';

export type LatentPoints = Output<'latentPoints'>;
export type Images = Output<'decode'>;

/** The scatter's data: the test set's latent means, the classes the user hid, and the image under the cursor. */
export class LatentState {
  #points = $state.raw<LatentPoints | null>(null);
  #hidden = $state.raw<ReadonlySet<number>>(new Set());
  #refreshing = false;
  #refreshAgain = false;
  readonly #calls: Calls;
  readonly #session: SessionMirror;
  readonly #testImage: (index: number) => Promise<Images | undefined>;

  constructor(calls: Calls, session: SessionMirror) {
    this.#calls = calls;
    this.#session = session;
    // Hovering moves fast: only the image of the point under the cursor now may arrive.
    this.#testImage = latestOnly((index: number) => calls.api.testImages({ indices: [index] }));
  }

  get points(): LatentPoints | null {
    return this.#points;
  }

  get hidden(): ReadonlySet<number> {
    return this.#hidden;
  }

  toggleClass(label: number): void {
    const next = new Set(this.#hidden);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    this.#hidden = next;
  }

  /** Forgets the points of a model that is no longer shown. */
  clear(): void {
    this.#points = null;
  }

  /** Fetches the latent means again; overlapping requests collapse into one more. */
  async refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return;
    }
    this.#refreshing = true;
    try {
      do {
        this.#refreshAgain = false;
        const shown = this.#session.generation;
        const pts = await this.#calls.background(() => this.#calls.api.latentPoints({}));
        // Points of a model replaced meanwhile must not be drawn over the new one.
        if (pts && shown === this.#session.generation) this.#points = pts;
      } while (this.#refreshAgain);
    } finally {
      this.#refreshing = false;
    }
  }

  /** The test image under the cursor; undefined when a newer hover overtook it or it failed (a hover says nothing). */
  hoverImage(index: number): Promise<Images | undefined> {
    return this.#testImage(index).catch(() => undefined);
  }
}

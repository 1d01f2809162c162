import type { Output } from '../../../../src/contract/index.js';
import type { Calls } from './calls.js';
import type { SessionMirror } from './session.svelte.js';

export type StripMode = 'mean' | 'sample';

/** The strip of test reconstructions, refreshed after every epoch. */
export class StripState {
  #strip = $state.raw<Output<'reconstructionStrip'> | null>(null);
  /** Whether the strip decodes means (deterministic) or sampled z (stochastic). */
  #mode = $state<StripMode>('mean');
  readonly #calls: Calls;
  readonly #session: SessionMirror;

  constructor(calls: Calls, session: SessionMirror) {
    this.#calls = calls;
    this.#session = session;
  }

  get strip(): Output<'reconstructionStrip'> | null {
    return this.#strip;
  }

  get mode(): StripMode {
    return this.#mode;
  }

  /** Switches between decoded means and decoded samples, and draws the strip again. */
  setMode(mode: StripMode): Promise<void> {
    this.#mode = mode;
    return this.refresh();
  }

  clear(): void {
    this.#strip = null;
  }

  async refresh(): Promise<void> {
    const shown = this.#session.generation;
    const s = await this.#calls.background(() => this.#calls.api.reconstructionStrip({ n: 10, mode: this.#mode }));
    if (s && shown === this.#session.generation) this.#strip = s;
  }
}

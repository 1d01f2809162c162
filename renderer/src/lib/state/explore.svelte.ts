import type { Input, Output } from '../../../../src/contract/index.js';
import type { Calls } from './calls.js';
import type { SessionMirror } from './session.svelte.js';

export type ExploreKind = Input<'explore'>['kind'];
export type ExploreResult = Output<'explore'>;
/** The ends of an interpolation as the form shows them (text the user may edit). */
export interface Ends {
  from: string;
  to: string;
}

/** The explore view below the scatter: which view, its ends when it interpolates, and what it decoded. */
export class ExploreState {
  #kind = $state<ExploreKind>('prior');
  #ends = $state.raw<Ends>({ from: '0', to: '1' });
  #result = $state.raw<ExploreResult | null>(null);
  readonly #calls: Calls;
  readonly #session: SessionMirror;

  constructor(calls: Calls, session: SessionMirror) {
    this.#calls = calls;
    this.#session = session;
  }

  get kind(): ExploreKind {
    return this.#kind;
  }

  get ends(): Ends {
    return this.#ends;
  }

  get result(): ExploreResult | null {
    return this.#result;
  }

  setKind(kind: ExploreKind): void {
    this.#kind = kind;
  }

  editEnd(end: keyof Ends, text: string): void {
    this.#ends = { ...this.#ends, [end]: text };
  }

  async run(input: Input<'explore'>): Promise<void> {
    const shown = this.#session.generation;
    const r = await this.#calls.act(() => this.#calls.api.explore(input));
    if (r && shown === this.#session.generation) this.#result = r;
  }

  /** Shift-click: the path between two test points, with the form showing the ends the clicks chose. */
  interpolate(from: number, to: number): Promise<void> {
    this.#kind = 'interpolate';
    this.#ends = { from: String(from), to: String(to) };
    return this.run({ kind: 'interpolate', from, to, steps: 10, path: 'linear' });
  }

  /** Forgets the view decoded from a model that is no longer shown. */
  clear(): void {
    this.#result = null;
  }
}

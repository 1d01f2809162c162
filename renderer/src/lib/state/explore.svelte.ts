import type { View } from '../../../../src/contract/shapes.js';
import type { Input, Output } from '../../../../src/contract/index.js';
import { differentDims, EXPLORE_FIELDS as F, numberField, ONE_DIM, RULES } from '../../../../src/contract/fields.js';
import type { Calls } from './calls.js';
import type { SessionMirror } from './session.svelte.js';

export type ExploreKind = Input<'explore'>['kind'];
export type ExploreResult = Output<'explore'>;
/** The ends of an interpolation as the form shows them (text the user may edit). */
export interface Ends {
  from: string;
  to: string;
}

/** The explore view's fields as the user typed them. */
export interface ExploreValues extends Ends {
  /** Points along a path, or values per dim of a traversal. */
  steps: string;
  spherical: boolean;
  /** How far a traversal or grid reaches, in prior standard deviations. */
  range: string;
  /** Prior samples. */
  n: string;
  dimI: string;
  dimJ: string;
  grid: string;
  noise: 'gaussian' | 'saltpepper';
  amount: string;
  stochastic: boolean;
  /** Seed of prior samples and noise; drawn by Reseed, never typed. */
  seed: number;
}

/** The fields a person types, each of which may have a sentence beside it. */
export type ExploreField = 'from' | 'to' | 'steps' | 'range' | 'n' | 'dimI' | 'dimJ' | 'grid' | 'amount';

const DEFAULTS: ExploreValues = {
  from: '0',
  to: '1',
  steps: '10',
  spherical: false,
  range: '3',
  n: '36',
  dimI: '0',
  dimJ: '1',
  grid: '12',
  noise: 'gaussian',
  amount: '0.3',
  stochastic: false,
  seed: 0,
};

type Schema = { safeParse(v: unknown): { success: true; data: number } | { success: false; error: { issues: { message: string }[] } } };

/** A number as typed: empty is no number at all (Number('') would be 0). */
const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

/** The parsed values of the current view's fields and the sentences of those that are wrong. */
interface Checked {
  values: Partial<Record<ExploreField, number>>;
  errors: Partial<Record<ExploreField, string>>;
}

/**
 * The explore view below the scatter: which view, its fields as typed, each
 * checked by the contract's rules (bounded further by the model and test set
 * shown), and what it decoded.
 */
export class ExploreState {
  #kind = $state<ExploreKind>('prior');
  #values = $state.raw<ExploreValues>(DEFAULTS);
  #result = $state.raw<ExploreResult | null>(null);
  /** What the main area shows: the latent space, or the view decoded last (in its own tab, so neither squeezes the other). */
  #tab = $state<'scatter' | 'result'>('scatter');
  readonly #calls: Calls;
  readonly #session: SessionMirror;

  /** The view the scatter shows, so a path is drawn where its points are (another window may show another). */
  readonly #view: () => View | undefined;

  constructor(calls: Calls, session: SessionMirror, view: () => View | undefined = () => undefined) {
    this.#view = view;
    this.#calls = calls;
    this.#session = session;
  }

  get kind(): ExploreKind {
    return this.#kind;
  }

  get values(): Readonly<ExploreValues> {
    return this.#values;
  }

  get ends(): Ends {
    return { from: this.#values.from, to: this.#values.to };
  }

  get tab(): 'scatter' | 'result' {
    return this.#result ? this.#tab : 'scatter';
  }

  setTab(tab: 'scatter' | 'result'): void {
    this.#tab = tab;
  }

  get result(): ExploreResult | null {
    return this.#result;
  }

  /** The current view's fields checked: a field not in `errors` is fine. */
  readonly #checked = $derived.by(() => this.#check());

  /** The sentence beside each wrong field of the current view. */
  get errors(): Partial<Record<ExploreField, string>> {
    return this.#checked.errors;
  }

  /** Whether the current view's fields all pass, so Show would send a request. */
  get valid(): boolean {
    return Object.keys(this.#checked.errors).length === 0;
  }

  setKind(kind: ExploreKind): void {
    this.#kind = kind;
  }

  edit<K extends keyof ExploreValues>(field: K, value: ExploreValues[K]): void {
    this.#values = { ...this.#values, [field]: value };
  }

  editEnd(end: keyof Ends, text: string): void {
    this.edit(end, text);
  }

  /** Test images are numbered from 0 below the test set's size, when a dataset is shown. */
  #testImage(): Schema {
    const count = this.#session.dataset?.testCount;
    return count ? numberField({ ...RULES.testImage, max: count - 1 }) : F.testImage;
  }

  #check(): Checked {
    const v = this.#values;
    const values: Checked['values'] = {};
    const errors: Checked['errors'] = {};
    const field = (name: ExploreField, schema: Schema, text: string) => {
      const r = schema.safeParse(num(text));
      if (r.success) values[name] = r.data;
      else errors[name] = r.error.issues[0]?.message ?? 'This value is not accepted.';
    };
    switch (this.#kind) {
      case 'interpolate':
        field('from', this.#testImage(), v.from);
        field('to', this.#testImage(), v.to);
        field('steps', F.pathSteps, v.steps);
        break;
      case 'traverse':
        field('range', F.range, v.range);
        field('steps', F.traverseSteps, v.steps);
        break;
      case 'prior':
        field('n', F.priorSamples, v.n);
        break;
      case 'manifold': {
        const k = this.#session.model?.latentDim;
        if (k !== undefined && k < 2) {
          errors.dimI = ONE_DIM;
        } else {
          const dim = k === undefined ? F.latentIndex : numberField({ ...RULES.latentIndex, max: k - 1 });
          field('dimI', dim, v.dimI);
          field('dimJ', dim, v.dimJ);
          if (values.dimI !== undefined && values.dimI === values.dimJ) errors.dimJ = differentDims(k);
        }
        field('grid', F.grid, v.grid);
        field('range', F.range, v.range);
        break;
      }
      case 'denoise':
        field('amount', v.noise === 'gaussian' ? F.noiseSigma : F.noiseShare, v.amount);
        break;
    }
    return { values, errors };
  }

  /**
   * The request the current view's fields make, around the selected test
   * image (traversal, manifold), or null while a field is wrong.
   */
  request(selected: number | null): Input<'explore'> | null {
    if (!this.valid) return null;
    const v = this.#values;
    const x = this.#checked.values as Required<Checked['values']>;
    switch (this.#kind) {
      case 'interpolate':
        return { kind: 'interpolate', from: x.from, to: x.to, steps: x.steps, path: v.spherical ? 'spherical' : 'linear' };
      case 'traverse':
        return { kind: 'traverse', index: selected ?? 0, range: x.range, steps: x.steps };
      case 'prior':
        return { kind: 'prior', n: x.n, seed: v.seed };
      case 'manifold':
        return { kind: 'manifold', dims: [x.dimI, x.dimJ], grid: x.grid, range: x.range, at: selected };
      case 'denoise':
        return { kind: 'denoise', noise: v.noise, amount: x.amount, n: 10, seed: v.seed, mode: v.stochastic ? 'sample' : 'mean' };
    }
  }

  /** Decodes the view the fields describe; while a field is wrong nothing is sent (its sentence is beside it). Returns whether it was sent. */
  async show(selected: number | null): Promise<boolean> {
    const input = this.request(selected);
    if (input) await this.run(input);
    return input !== null;
  }

  async run(input: Input<'explore'>): Promise<void> {
    const shown = this.#session.generation;
    const view = this.#view();
    const r = await this.#calls.act(() => this.#calls.api.explore(view ? { ...input, view } : input), 'explore');
    if (r && shown === this.#session.generation) {
      this.#result = r;
      this.#tab = 'result';
    }
  }

  /** Shift-click: the path between two test points, with the form showing the ends the clicks chose. */
  interpolate(from: number, to: number): Promise<boolean> {
    this.#kind = 'interpolate';
    this.#values = { ...this.#values, from: String(from), to: String(to) };
    return this.show(null);
  }

  /** Forgets the view decoded from a model that is no longer shown. */
  clear(): void {
    this.#result = null;
    this.#tab = 'scatter';
  }
}

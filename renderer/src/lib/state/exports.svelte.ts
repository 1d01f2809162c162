import type { View } from '../../../../src/contract/shapes.js';
import type { Output } from '../../../../src/contract/index.js';
import { FIELDS, problem, RULES } from '../../../../src/contract/fields.js';
import type { ImageSet } from '../images.js';
import type { Calls } from './calls.js';

export type ReconstructionMode = 'mean' | 'sample';

/** Originals above their reconstructions, laid out for a PNG. */
export interface ReconstructionSheet {
  images: ImageSet;
  count: number;
  cols: number;
  filename: string;
}

/** Largest number of test images the reconstructions export takes (the engine's limit for a strip). */
export const MAX_RECONSTRUCTIONS = RULES.stripImages.max;

/** What the Export panel saves: CSVs the engine writes, and reconstructions as a picture. */
export class ExportsState {
  #count = $state('16');
  #scale = $state('2');
  #mode = $state<ReconstructionMode>('mean');
  readonly #calls: Calls;

  /** The view the scatter shows: the latent CSV gives its images and their places in it. */
  readonly #view: () => View | undefined;

  constructor(calls: Calls, view: () => View | undefined = () => undefined) {
    this.#view = view;
    this.#calls = calls;
  }

  /** How many test images the reconstructions show, as typed. */
  get count(): string {
    return this.#count;
  }
  get scale(): string {
    return this.#scale;
  }
  /** Whether reconstructions decode means (deterministic) or sampled z (stochastic). */
  get mode(): ReconstructionMode {
    return this.#mode;
  }

  /** Why the count typed cannot be sent, in the contract's words, or null. */
  readonly countError = $derived(problem(FIELDS.stripImages, this.#count.trim() === '' ? NaN : Number(this.#count)));
  readonly countValid = $derived(this.countError === null);

  setCount(text: string): void {
    this.#count = text;
  }
  setScale(text: string): void {
    this.#scale = text;
  }
  setMode(mode: ReconstructionMode): void {
    this.#mode = mode;
  }

  csv(what: 'latent' | 'history'): Promise<Output<'exportCsv'> | undefined> {
    const view = this.#view();
    return this.#calls.act(() => this.#calls.api.exportCsv(view ? { what, view } : { what }), 'export');
  }

  /** The first test images above their reconstructions, in the mode chosen. */
  async reconstructions(): Promise<ReconstructionSheet | undefined> {
    if (this.countError !== null) return undefined;
    const mode = this.#mode;
    const s = await this.#calls.act(() => this.#calls.api.reconstructionStrip({ n: Number(this.#count), mode }), 'export');
    if (!s) return undefined;
    const k = s.originals.count;
    const both = new Float32Array(s.originals.pixels.length + s.reconstructions.pixels.length);
    both.set(s.originals.pixels, 0);
    both.set(s.reconstructions.pixels, s.originals.pixels.length);
    return {
      images: { ...s.originals, pixels: both },
      count: 2 * k,
      cols: k,
      filename: `reconstructions-${k}-${mode === 'mean' ? 'deterministic' : 'stochastic'}.png`,
    };
  }
}

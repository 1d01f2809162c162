import type { Output } from '../../../../src/contract/index.js';
import { latestOnly } from '../../../../src/rpc/client.js';
import type { Calls } from './calls.js';
import type { SessionMirror } from './session.svelte.js';

export type Images = Output<'decode'>;
export type PointDetail = { kind: 'point' } & Output<'reconstruct'>;
export type SpaceDetail = { kind: 'space'; z: Float32Array; image: Images; dragging: boolean };
export type Detail = PointDetail | SpaceDetail;
export type Neighbours = Output<'neighbours'>;

/** Neighbours listed beside a picked test point. */
export const NEIGHBOURS_SHOWN = 8;
export type ScenePoint = [number, number, number];

/**
 * What the user picked in the scatter and what it decodes to: a test point
 * (its original, the decoded mean and sampled decodes) or a point in empty
 * space under the marker.
 */
export class SelectionState {
  #selected = $state<number | null>(null);
  /** Where the decode marker sits in the scatter (scene coordinates), or null. */
  #marker = $state.raw<ScenePoint | null>(null);
  #detail = $state.raw<Detail | null>(null);
  /** The encoded test images nearest the picked point or the dropped marker, in latent space; null until asked. */
  #neighbours = $state.raw<Neighbours | null>(null);
  readonly #calls: Calls;
  readonly #session: SessionMirror;
  readonly #decodeLatest: (z: Float32Array) => Promise<Images | undefined>;

  constructor(calls: Calls, session: SessionMirror) {
    this.#calls = calls;
    this.#session = session;
    // A dragged marker asks faster than decodes come back: only the newest image may be shown.
    this.#decodeLatest = latestOnly((z: Float32Array) => calls.api.decode({ z }));
  }

  get selected(): number | null {
    return this.#selected;
  }

  get marker(): ScenePoint | null {
    return this.#marker;
  }

  get detail(): Detail | null {
    return this.#detail;
  }

  get neighbours(): Neighbours | null {
    return this.#neighbours;
  }

  /** Selects test point `index` and decodes it (again: its samples differ every time). */
  async selectPoint(index: number): Promise<void> {
    this.#selected = index;
    this.#marker = null;
    const shown = this.#session.generation;
    this.#neighbours = null;
    const r = await this.#calls.act(() => this.#calls.api.reconstruct({ index, samples: 4 }));
    if (r && this.#selected === index && shown === this.#session.generation) this.#detail = { kind: 'point', ...r };
    const n = await this.#calls.background(() => this.#calls.api.neighbours({ of: { index }, k: NEIGHBOURS_SHOWN }));
    if (n && this.#selected === index && shown === this.#session.generation) this.#neighbours = n;
  }

  /** Decodes latent point `z`, marked at `scenePoint` in the scatter. */
  async decodeAt(z: Float32Array, dragging: boolean, scenePoint: ScenePoint): Promise<void> {
    this.#selected = null;
    this.#marker = scenePoint;
    const shown = this.#session.generation;
    if (dragging) this.#neighbours = null;
    const image = await this.#calls.act(() => this.#decodeLatest(z));
    if (image && shown === this.#session.generation) this.#detail = { kind: 'space', z, image, dragging };
    // Once the marker rests: how far it lies from the nearest encoded image (not asked while it is dragged).
    if (!dragging) {
      const n = await this.#calls.background(() => this.#calls.api.neighbours({ of: { z }, k: 1 }));
      if (n && this.#detail?.kind === 'space' && this.#detail.z === z && shown === this.#session.generation) this.#neighbours = n;
    }
  }

  /**
   * The points were placed anew (another projection or set): the marker's z
   * is placed again with `place` and the marker moves there; a projection
   * with no way back (UMAP) places it all the same, and a missing place
   * hides it.
   */
  async replaceMarker(place: (z: Float32Array) => Promise<ScenePoint | null>): Promise<void> {
    const d = this.#detail;
    if (d?.kind !== 'space') return;
    const p = await place(d.z);
    if (this.#detail === d) this.#marker = p;
  }

  /** Forgets everything picked in a model that is no longer shown. */
  clear(): void {
    this.#selected = null;
    this.#marker = null;
    this.#detail = null;
    this.#neighbours = null;
  }
}

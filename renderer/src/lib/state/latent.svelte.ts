import type { Output, Payload } from '../../../../src/contract/index.js';
import type { PointSet, ProjectionSpec, View } from '../../../../src/contract/shapes.js';
import { latestOnly } from '../../../../src/rpc/client.js';
import { refused } from '../refusals.js';
import type { Calls } from './calls.js';
import type { Place } from './notices.svelte.js';
import type { SessionMirror } from './session.svelte.js';

export type LatentPoints = Output<'latentPoints'>;
export type Images = Output<'decode'>;

/** The scatter's data: the test set's latent means, the classes the user hid, and the image under the cursor. */
export class LatentState {
  #points = $state.raw<LatentPoints | null>(null);
  /** Which images the scatter shows, and the projection asked for. */
  #set = $state<PointSet>('test');
  #spec = $state.raw<ProjectionSpec>({ method: 'auto' });
  /** How far a projection being fitted has come (UMAP), or null. */
  #progress = $state.raw<Payload<'projecting'> | null>(null);
  #hidden = $state.raw<ReadonlySet<number>>(new Set());
  #inFlight = false;
  #again = false;
  #ticket = 0;
  /** Whether the request in flight fits a UMAP. */
  #fitting = false;
  #stale = $state(false);
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

  get set(): PointSet {
    return this.#set;
  }

  get spec(): ProjectionSpec {
    return this.#spec;
  }

  /** What this window's scatter shows: the engine places later points (paths, the marker, the prior) for it. */
  get view(): View {
    return { set: this.#set, projection: this.#spec };
  }

  get progress(): Payload<'projecting'> | null {
    return this.#progress;
  }

  /** A projection's progress, from the engine's `projecting` events. */
  setProgress(p: Payload<'projecting'> | null): void {
    // Another window's projection reports to every window: only this one's own request shows its progress here.
    if (this.#inFlight || p === null) this.#progress = p;
  }

  /** Shows other images or another projection, and fetches the points placed that way. */
  choose(set: PointSet, spec: ProjectionSpec): Promise<void> {
    this.#set = set;
    this.#spec = spec;
    return this.refresh();
  }

  get hidden(): ReadonlySet<number> {
    return this.#hidden;
  }

  /** Hides exactly these classes (a bookmark's). */
  setHidden(labels: Iterable<number>): void {
    this.#hidden = new Set(labels);
  }

  toggleClass(label: number): void {
    const next = new Set(this.#hidden);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    this.#hidden = next;
  }

  /** Forgets the points of a model that is no longer shown. */
  clear(latentDim?: number): void {
    // The projection chosen for the last model carries over where it suits the new one.
    const spec = this.#spec;
    if (latentDim !== undefined && ((spec.method === 'axes' && spec.axes.some((a) => a >= latentDim)) || (spec.method !== 'auto' && latentDim < 2))) {
      this.#spec = { method: 'auto' };
    }
    this.#points = null;
    this.#progress = null;
    this.#stale = false;
  }

  /** Whether the points shown are from before the latest training (a UMAP is not refitted every few seconds). */
  get stale(): boolean {
    return this.#stale;
  }

  /**
   * Fetches the points again. While training redraws the latent space
   * ('changed'), overlapping requests collapse into one more, and a UMAP is
   * only marked stale: refitting it every few seconds would never finish.
   * What the user asks for goes at once; the engine stops a UMAP still
   * fitting for an older request.
   */
  async refresh(reason: 'asked' | 'changed' = 'asked'): Promise<void> {
    if (reason === 'changed' && this.#spec.method === 'umap' && this.#points) {
      this.#stale = true;
      return;
    }
    if (reason === 'changed' && this.#inFlight) {
      this.#again = true;
      return;
    }
    // A UMAP of this window's still being fitted is not wanted any more: its thread would fit on for nothing.
    if (this.#inFlight && this.#fitting) void this.#calls.api.stopProjecting({}).catch(() => undefined);
    const ticket = ++this.#ticket;
    this.#inFlight = true;
    this.#fitting = this.#spec.method === 'umap';
    this.#calls.notices.dismiss('scatter');
    try {
      do {
        this.#again = false;
        const shown = this.#session.generation;
        let pts: LatentPoints | undefined;
        try {
          pts = await this.#calls.api.latentPoints({ set: this.#set, projection: this.#spec });
        } catch (err) {
          // Stopped for a newer request: that one answers.
          if (!refused(err, 'STOPPED') && ticket === this.#ticket) this.#calls.fail(err, 'scatter');
        }
        if (ticket !== this.#ticket) return;
        // Points of a model replaced meanwhile must not be drawn over the new one.
        if (pts && shown === this.#session.generation) {
          this.#points = pts;
          this.#stale = false;
        }
        this.#progress = null;
      } while (this.#again);
    } finally {
      if (ticket === this.#ticket) {
        this.#inFlight = false;
        this.#fitting = false;
      }
    }
  }

  /** Where one latent point lies in the scatter now shown (null before any points, or when it fails: said at `where`). */
  async place(z: Float32Array, where: Place = 'scatter'): Promise<[number, number, number] | null> {
    const p = await this.placeMany(z, where);
    return p && p.length >= 3 ? [p[0]!, p[1]!, p[2]!] : null;
  }

  /** Where latent points (count × latentDim) lie in the scatter now shown: count × 3, or null. */
  async placeMany(z: Float32Array, where: Place = 'scatter'): Promise<Float32Array | null> {
    const r = await this.#calls.background(() => this.#calls.api.project({ z, view: this.view }), where);
    return r?.positions ?? null;
  }

  /** The test image under the cursor; undefined when a newer hover overtook it or it failed (a hover says nothing). */
  hoverImage(index: number): Promise<Images | undefined> {
    return this.#testImage(index).catch(() => undefined);
  }
}

import type { Output } from '../../../../src/contract/index.js';
import type { AttributeVector } from '../../../../src/contract/shapes.js';
import { latestOnly } from '../../../../src/rpc/client.js';
import {
  combine,
  describeTerms,
  differenceVector,
  moveAlong,
  nameProblem,
  parseExpression,
  STRIP_TS,
  type Difference,
  type ImageGroup,
} from '../vector-math.js';
import type { Calls } from './calls.js';
import type { GroupState } from './group.svelte.js';
import type { LatentState } from './latent.svelte.js';
import type { SelectionState } from './selection.svelte.js';
import type { SessionMirror } from './session.svelte.js';

type Images = Output<'decode'>;

/**
 * The current model's attribute vectors and what is done with them: made
 * from the selection (mean of it − mean of the rest, or of a group set aside
 * as A − the selection), followed from the picked point or the marker with a
 * slider and a strip of decodes, and combined in expressions. What the
 * engine refuses here is shown beside the panel (the place 'vectors').
 */
export class VectorsState {
  #list = $state.raw<AttributeVector[]>([]);
  /** A selection set aside, to make "mean of A − mean of B" with B the selection. */
  #a = $state.raw<ImageGroup | null>(null);
  /** The vector followed with the slider, and how far (in lengths of it). */
  #moving = $state<string | null>(null);
  #t = $state(0);
  #moved = $state.raw<Images | null>(null);
  #strip = $state.raw<Images | null>(null);
  #arith = $state.raw<{ expression: string; image: Images } | null>(null);
  #arithError = $state<string | null>(null);
  readonly #calls: Calls;
  readonly #session: SessionMirror;
  readonly #latent: LatentState;
  readonly #selection: SelectionState;
  readonly #group: GroupState;
  readonly #decodeLatest: (z: Float32Array) => Promise<Images | undefined>;

  constructor(deps: { calls: Calls; session: SessionMirror; latent: LatentState; selection: SelectionState; group: GroupState }) {
    this.#calls = deps.calls;
    this.#session = deps.session;
    this.#latent = deps.latent;
    this.#selection = deps.selection;
    this.#group = deps.group;
    // The slider asks faster than decodes come back: only the newest image may be shown.
    this.#decodeLatest = latestOnly((z: Float32Array) => deps.calls.api.decode({ z }));
  }

  get list(): readonly AttributeVector[] {
    return this.#list;
  }
  get a(): ImageGroup | null {
    return this.#a;
  }
  get moving(): string | null {
    return this.#moving;
  }
  get t(): number {
    return this.#t;
  }
  get moved(): Images | null {
    return this.#moved;
  }
  get strip(): Images | null {
    return this.#strip;
  }
  get arithmetic(): { expression: string; image: Images } | null {
    return this.#arith;
  }
  get arithmeticError(): string | null {
    return this.#arithError;
  }

  /** The latent point moved from: the picked point's mean, or the marker's z. */
  get origin(): Float32Array | null {
    const d = this.#selection.detail;
    if (!d) return null;
    return d.kind === 'point' ? d.mean.z : d.z;
  }

  /** Where the slider has moved the origin to (z + t·v), or null when nothing is moved. */
  get movedZ(): Float32Array | null {
    const z = this.origin;
    const v = this.#vector(this.#moving);
    if (!z || !v || v.length !== z.length || this.#t === 0) return null;
    return moveAlong(z, v, this.#t);
  }

  /** The origin's own decode, to set beside a moved one. */
  get originImage(): Images | null {
    const d = this.#selection.detail;
    if (!d) return null;
    return d.kind === 'point' ? d.mean.image : d.image;
  }

  /** Asks the engine for the model's vectors (a new model was shown). */
  async refresh(): Promise<void> {
    const shown = this.#session.generation;
    this.#list = [];
    this.#a = null;
    this.#moving = null;
    this.#t = 0;
    this.#moved = null;
    this.#strip = null;
    this.#arith = null;
    this.#arithError = null;
    if (!this.#session.model) return;
    const list = await this.#calls.background(() => this.#calls.api.listVectors({}), 'vectors');
    if (list && shown === this.#session.generation) this.#list = list;
  }

  /** Sets the selection aside as A; the next vector is then mean of A − mean of the selection. */
  useAsA(): void {
    if (this.#group.size === 0) return;
    this.#a = { indices: this.#group.indices, how: this.#group.how || 'set aside' };
  }

  clearA(): void {
    this.#a = null;
  }

  /** The vector the selection (and A, when set aside) gives now, or why there is none. */
  draft(): Difference {
    const points = this.#latent.points;
    if (!points) return { error: 'Wait for the points to be placed.' };
    const selection: ImageGroup = { indices: this.#group.indices, how: this.#group.how };
    if (selection.indices.size === 0) return { error: 'Select some images first (box, lasso, a label or a search).' };
    return this.#a ? differenceVector(points, this.#a, selection) : differenceVector(points, selection, null, this.#latent.hidden);
  }

  /** Makes a vector from the selection and keeps it under `name` (one of that name is replaced). */
  async saveFromSelection(name: string): Promise<boolean> {
    const trimmed = name.trim();
    // The panel keeps its button off in these cases; asked anyway, the reason stands where a refusal would.
    const refuse = (why: string) => {
      this.#calls.notices.tellAt('vectors', why);
      return false;
    };
    const wrong = nameProblem(trimmed);
    if (wrong) return refuse(wrong);
    const d = this.draft();
    if ('error' in d) return refuse(d.error);
    const v: AttributeVector = { name: trimmed, description: d.description, vector: d.vector };
    const shown = this.#session.generation;
    const list = await this.#calls.act(() => this.#calls.api.saveVector(v), 'vectors');
    if (!list) return false;
    if (shown === this.#session.generation) this.#list = list;
    return true;
  }

  async remove(name: string): Promise<void> {
    const shown = this.#session.generation;
    const list = await this.#calls.act(() => this.#calls.api.deleteVector({ name }), 'vectors');
    if (!list || shown !== this.#session.generation) return;
    this.#list = list;
    if (this.#moving === name) this.follow(null);
  }

  /** Chooses the vector the slider follows (null: none), back at t = 0; the panel then decodes from the picked point. */
  follow(name: string | null): void {
    this.#moving = name;
    this.#t = 0;
    this.#moved = null;
    this.#strip = null;
  }

  /** Decodes the slider's place and the strip afresh (another vector, or another point picked). */
  async redecode(): Promise<void> {
    await Promise.all([this.moveTo(this.#t), this.decodeStrip()]);
  }

  #vector(name: string | null): number[] | null {
    return this.#list.find((v) => v.name === name)?.vector ?? null;
  }

  /** Moves to z + t·v and decodes it; while the slider is dragged, only the newest decode is shown. */
  async moveTo(t: number): Promise<void> {
    this.#t = t;
    const z = this.origin;
    const v = this.#vector(this.#moving);
    if (!z || !v || v.length !== z.length) return;
    const shown = this.#session.generation;
    const image = await this.#decodeLatest(moveAlong(z, v, t)).catch((err: unknown) => {
      this.#calls.fail(err, 'vectors');
      return undefined;
    });
    if (image && shown === this.#session.generation && this.#t === t) this.#moved = image;
  }

  /** Decodes z + t·v for t = −3 … 3 in one request. */
  async decodeStrip(): Promise<void> {
    const z = this.origin;
    const v = this.#vector(this.#moving);
    if (!z || !v || v.length !== z.length) return;
    const all = new Float32Array(STRIP_TS.length * z.length);
    STRIP_TS.forEach((t, k) => all.set(moveAlong(z, v, t), k * z.length));
    const shown = this.#session.generation;
    const name = this.#moving;
    const images = await this.#calls.background(() => this.#calls.api.decode({ z: all }), 'vectors');
    if (images && shown === this.#session.generation && name === this.#moving) this.#strip = images;
  }

  /** Applies an expression of vectors to the picked point or the marker and decodes the result. */
  async applyExpression(text: string): Promise<void> {
    this.#arith = null;
    const z = this.origin;
    if (!z) {
      this.#arithError = 'Pick a point, or drop the marker in empty space, to apply the expression to.';
      return;
    }
    const parsed = parseExpression(
      text,
      this.#list.map((v) => v.name),
    );
    if ('error' in parsed) {
      this.#arithError = parsed.error;
      return;
    }
    this.#arithError = null;
    const sum = combine(parsed.terms, this.#list, z.length);
    const result = Float32Array.from(z, (v, d) => v + sum[d]!);
    const shown = this.#session.generation;
    const image = await this.#calls.background(() => this.#calls.api.decode({ z: result }), 'vectors');
    if (image && shown === this.#session.generation) this.#arith = { expression: describeTerms(parsed.terms), image };
  }
}

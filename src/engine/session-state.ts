import { randomUUID } from 'node:crypto';
import type { EventName, Payload } from '../contract/index.js';
import type { Session } from '../contract/schemas.js';
import type { AttributeVector, BatchProgress, EpochRecord, PointSet, ProjectionInfo, ProjectionSpec, TrainConfig } from '../contract/shapes.js';
import { describeDataset, type Dataset } from '../data/dataset.js';
import type { AdamState } from '../model/optimizer-state.js';
import type { VaeModel } from '../model/vae-model.js';
import type { TrainingJob } from '../train/training-job.js';
import type { Encoded } from '../latent/ops.js';
import { UserError } from '../contract/errors.js';
import { describeModel } from '../contract/describe.js';
import type { Autosave, Recovery } from './autosave.js';

/** The scatter's points as last placed. */
export interface ShownPoints {
  set: PointSet;
  /** The projection asked for (the view's key with the set). */
  spec: ProjectionSpec;
  /** Image number of the first row (test images are numbered first, then training images). */
  first: number;
  count: number;
  /** The means and log-variances the positions were placed from (the weights of that moment), and the images' labels. */
  encoded: Encoded;
  labels: Int32Array | null;
  positions: Float32Array;
  info: ProjectionInfo;
  project(z: Float32Array, count: number): Promise<Float32Array>;
  /** Releases what the projection holds (UMAP's thread). */
  end(): void;
}

export type Emit = <E extends EventName>(name: E, payload: Payload<E>) => void;
type Status = Session['status'];

/**
 * The engine's one session and its rules: one dataset, one model, one
 * training job at a time; which states allow what; and the rule that a model
 * with unsaved training is never dropped without the user's say. The request
 * handlers (handlers/) change it only through these methods and fields, and
 * every change reaches every window as a `session` event.
 */
export class SessionState {
  backend = 'unknown';
  status: Status = 'idle';
  error: string | null = null;
  outcome: string | null = null;
  dataset: Dataset | null = null;
  vae: VaeModel | null = null;
  training: TrainConfig | null = null;
  history: EpochRecord[] = [];
  progress: BatchProgress | null = null;
  modelDir: string | null = null;
  adam: AdamState | null = null;
  job: TrainingJob | null = null;
  /** A projection still being fitted (UMAP): a newer one ends it. */
  placing: { end(): void } | null = null;
  /** The last encoding of each point set while the weights stood still (see encodedSet in place.ts). */
  readonly encodings = new Map<PointSet, { key: string; vae: VaeModel; encoded: Encoded }>();
  /** The placements of the views windows show, oldest first, the latest placed last (see show). */
  readonly views = new Map<string, ShownPoints>();
  /** The current model's attribute vectors, kept with it (vectors.json in its folder). */
  vectors: AttributeVector[] = [];
  readonly engineId = randomUUID();
  modelId = 0;
  /** Epochs trained since the model was last saved or opened. */
  unsaved = false;
  /** The autosave folder holds the current model (its last checkpoint, or it was reopened from there): unsaved vectors are kept there too. */
  autosaved = false;
  recovery: Recovery | null = null;
  autosaveError: string | null = null;

  constructor(
    readonly emit: Emit,
    readonly autosave: Autosave,
  ) {}

  snapshot(): Session {
    return {
      backend: this.backend,
      status: this.status,
      error: this.error,
      outcome: this.outcome,
      dataset: this.dataset ? describeDataset(this.dataset) : null,
      model: this.vae?.config ?? null,
      training: this.training,
      history: this.history,
      progress: this.progress,
      modelDir: this.modelDir,
      engineId: this.engineId,
      modelId: this.modelId,
      unsaved: this.unsaved,
      recovery: this.recovery,
      autosaveError: this.autosaveError,
    };
  }

  /** Tells every window the whole session, so they all agree. */
  changed(): void {
    this.emit('session', this.snapshot());
  }

  setStatus(status: Status, error: string | null = null): void {
    // The weights may change with the status (a run starts, a stop puts back an epoch's): encodings kept so far are let go.
    this.encodings.clear();
    this.status = status;
    this.error = error;
    this.emit('status', { status, error });
    this.changed();
  }

  describeModel(): string {
    const c = this.vae?.config;
    if (!c || !this.dataset) return 'no model';
    return describeModel(this.dataset.name, c, this.history.length);
  }

  busy(): boolean {
    return this.status === 'running' || this.status === 'paused' || this.status === 'stopping';
  }

  requireIdle(what: string): void {
    if (this.busy()) throw new UserError('BUSY', `Stop the training before you ${what}.`);
  }

  requireModel(): { vae: VaeModel; dataset: Dataset } {
    if (!this.vae || !this.dataset) throw new UserError('BAD_REQUEST', 'There is no model yet: train one or open a saved model.');
    return { vae: this.vae, dataset: this.dataset };
  }

  /**
   * Refuses to replace a model whose training was never saved, or to bury the
   * one a previous run left in the autosave, unless the user said to discard it.
   */
  requireDiscardable(discard: boolean | undefined, what: string): void {
    if (discard) return;
    if (this.unsaved) {
      throw new UserError('UNSAVED', `The current model (${this.describeModel()}) has training that is not saved. Save it, or discard it to ${what}.`);
    }
    if (this.recovery) {
      throw new UserError(
        'UNSAVED',
        `A model from the last session (${this.recovery.description}) is still in the autosave. Reopen it, or discard it to ${what}.`,
      );
    }
  }

  /** The user chose to let the unsaved model go: the autosave no longer needs a decision. */
  async discardUnsaved(): Promise<void> {
    this.unsaved = false;
    this.recovery = null;
    await this.autosave.settle().catch(() => undefined);
  }

  /** Puts a new model in place (trained anew, opened or recovered); requests tagged with the old one are refused from now on. */
  replaceModel(vae: VaeModel, dataset: Dataset, dir: string | null): void {
    this.vae?.dispose();
    this.vae = vae;
    this.dataset = dataset;
    this.history = [];
    this.progress = null;
    this.adam = null;
    this.outcome = null;
    this.modelDir = dir;
    this.modelId += 1;
    this.unsaved = false;
    this.autosaved = false;
    this.vectors = [];
    this.encodings.clear();
    this.show(null);
  }

  /**
   * Keeps the points a scatter now shows, as the latest and under their view
   * (point set and projection): windows that show different views each place
   * their later points with their own. The oldest view beyond a few is ended
   * (a UMAP's thread); null forgets them all (another model).
   */
  show(points: ShownPoints | null): void {
    if (points === null) {
      for (const p of this.views.values()) p.end();
      this.views.clear();
      return;
    }
    const key = viewKey(points.set, points.spec);
    const old = this.views.get(key);
    if (old && old !== points) old.end();
    this.views.delete(key);
    this.views.set(key, points);
    while (this.views.size > VIEWS_KEPT) {
      const [oldest, p] = this.views.entries().next().value!;
      p.end();
      this.views.delete(oldest);
    }
  }

  /** The points placed for a view, or by default the latest placed. */
  placedFor(view?: { set: PointSet; projection: ProjectionSpec }): ShownPoints | null {
    return view ? (this.views.get(viewKey(view.set, view.projection)) ?? null) : ([...this.views.values()].at(-1) ?? null);
  }
}

/** Views whose placements are kept at once (each window shows one; a UMAP holds a thread). */
const VIEWS_KEPT = 4;

/** One key per point set and projection spec, whatever the order its fields came in. */
export function viewKey(set: PointSet, spec: ProjectionSpec): string {
  const fields = Object.entries(spec).sort(([a], [b]) => a.localeCompare(b));
  return `${set}|${JSON.stringify(fields)}`;
}

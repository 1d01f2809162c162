import type { Payload } from '../../../../src/contract/index.js';
import type { Session } from '../../../../src/contract/schemas.js';

/** What a session from the engine meant for this window. */
export type SessionChange =
  /** Older than what is shown (a reply that carried a snapshot an event had overtaken): ignored. */
  | 'stale'
  /** The same model, changed. */
  | 'same'
  /** The same model, whose training has just ended. */
  | 'finished'
  /** Another model (trained, opened or recovered, here or in another window, or an engine that restarted). */
  | 'new';

/** One batch's loss, at its place in epochs (epoch 2, batch 30 of 60 is at 1.5). */
export interface BatchLoss {
  epoch: number;
  total: number;
}

/** Batch points kept before every other one is dropped. */
const MAX_BATCH_POINTS = 4000;

/**
 * What the engine said, as this window last heard it: status, dataset,
 * model, training settings, history, progress and the ids that tell one
 * model from another. Every window draws from the engine's session, so all
 * agree. The snapshot is replaced, never mutated.
 */
export class SessionMirror {
  #session = $state.raw<Session | null>(null);
  #progress = $state.raw<Payload<'progress'> | null>(null);
  #batches = $state.raw<readonly BatchLoss[]>([]);
  /** Counts models shown: work started for one must not land on the next. */
  #generation = $state(0);

  get status(): Session['status'] {
    return this.#session?.status ?? 'idle';
  }
  get error(): string | null {
    return this.#session?.error ?? null;
  }
  get backend(): string {
    return this.#session?.backend ?? '';
  }
  get dataset(): Session['dataset'] {
    return this.#session?.dataset ?? null;
  }
  get model(): Session['model'] {
    return this.#session?.model ?? null;
  }
  get training(): Session['training'] {
    return this.#session?.training ?? null;
  }
  get history(): Session['history'] {
    return this.#session?.history ?? [];
  }
  /** Batch losses reported while this window watched the model train (the engine sends about ten a second). */
  get batchLosses(): readonly BatchLoss[] {
    return this.#batches;
  }
  get progress(): Payload<'progress'> | null {
    return this.#progress;
  }
  get modelDir(): string | null {
    return this.#session?.modelDir ?? null;
  }
  /** Which engine this window shows: another one means the old engine (and any model only in its memory) is gone. */
  get engineId(): string | null {
    return this.#session?.engineId ?? null;
  }
  get modelId(): number | null {
    return this.#session?.modelId ?? null;
  }
  /** The model has epochs that are in no folder the user chose. */
  get unsaved(): boolean {
    return this.#session?.unsaved ?? false;
  }
  get recovery(): Session['recovery'] {
    return this.#session?.recovery ?? null;
  }
  get autosaveError(): string | null {
    return this.#session?.autosaveError ?? null;
  }
  /** What the last run's end left the model as, when that needs saying. */
  get outcome(): string | null {
    return this.#session?.outcome ?? null;
  }
  get generation(): number {
    return this.#generation;
  }

  readonly busy = $derived(this.status === 'running' || this.status === 'paused' || this.status === 'stopping');
  readonly classNames = $derived(this.dataset?.classNames ?? null);

  /**
   * Takes a session from the engine. Messages from one engine arrive in
   * order, but a reply may carry an older snapshot than an event did: that
   * one is ignored. Another model counts as a new generation.
   */
  apply(s: Session): SessionChange {
    const shown = this.#session;
    const sameEngine = shown !== null && s.engineId === shown.engineId;
    if (sameEngine && s.modelId < shown.modelId) return 'stale';
    const newModel = !sameEngine || s.modelId !== shown.modelId;
    // A failed run put its last good epoch's weights back: they are drawn anew as after a finished one.
    const finished = !newModel && this.busy && (s.status === 'done' || s.status === 'stopped' || s.status === 'failed');
    this.#session = s;
    this.#progress = s.progress;
    if (newModel) {
      this.#generation++;
      this.#batches = [];
    }
    return newModel ? 'new' : finished ? 'finished' : 'same';
  }

  /** A batch's progress, between sessions. */
  setProgress(p: Payload<'progress'>): void {
    this.#progress = p;
    // The loss of each reported batch, for the chart to draw from the first batch on; thinned past a few thousand.
    const next = [...(this.#batches.length >= MAX_BATCH_POINTS ? this.#batches.filter((_, i) => i % 2 === 0) : this.#batches)];
    next.push({ epoch: p.epoch - 1 + p.batch / p.batches, total: p.loss.total });
    this.#batches = next;
  }

  labelName(label: number | null): string {
    if (label === null) return 'unlabelled';
    return this.classNames?.[label] ?? String(label);
  }
}

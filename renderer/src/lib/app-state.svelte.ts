import type { Client } from '../../../src/rpc/client.js';
import { latestOnly } from '../../../src/rpc/client.js';
import type { Input, Output, Payload } from '../../../src/contract/index.js';
import type { Session } from '../../../src/contract/schemas.js';
import type { LinkStatus } from '../../../src/rpc/reconnecting-endpoint.js';
import type { Link, ModelTag, PathPicker, PathRequest } from './api.js';
import { ConfirmState } from './confirm.svelte.js';
import { describeModel, refused, replaceQuestion } from './refusals.js';

export type LatentPoints = Output<'latentPoints'>;
export type Images = Output<'decode'>;
export type PointDetail = { kind: 'point' } & Output<'reconstruct'>;
export type SpaceDetail = { kind: 'space'; z: Float32Array; image: Images; dragging: boolean };
export type Detail = PointDetail | SpaceDetail;
export type ExploreResult = Output<'explore'>;

/** Failed tries after which the connection banner suggests the server may have restarted with a new token. */
export const TRIES_BEFORE_HINT = 3;

export interface AppOptions {
  /** Opens the desktop app's native file and folder dialogs; the browser mode has none. */
  dialogs?: PathPicker | null;
  /** The browser mode's WebSocket, which reconnects by itself. */
  link?: Link | null;
  /** What model-bound requests are tagged with; kept equal to the model shown. */
  modelTag?: ModelTag;
}

/**
 * The UI's state: what the engine told us, kept in runes. Large arrays use
 * $state.raw and are replaced, never mutated.
 */
export class AppState {
  status = $state<Session['status']>('idle');
  error = $state<string | null>(null);
  /** The line at the top right: what just happened, or what went wrong. */
  notice = $state<string | null>(null);
  noticeTone = $state<'info' | 'error'>('info');
  backend = $state('');
  dataset = $state.raw<Session['dataset']>(null);
  model = $state.raw<Session['model']>(null);
  training = $state.raw<Session['training']>(null);
  modelDir = $state<string | null>(null);
  /** Which engine and which of its models this window shows: a change of either means another model. */
  engineId = $state<string | null>(null);
  modelId = $state<number | null>(null);
  /** The model has epochs that are in no folder the user chose. */
  unsaved = $state(false);
  recovery = $state.raw<Session['recovery']>(null);
  autosaveError = $state<string | null>(null);
  history = $state.raw<Session['history']>([]);
  progress = $state.raw<Payload<'progress'> | null>(null);
  datasets = $state.raw<Output<'listDatasets'>>([]);
  points = $state.raw<LatentPoints | null>(null);
  hidden = $state.raw<ReadonlySet<number>>(new Set());
  strip = $state.raw<Output<'reconstructionStrip'> | null>(null);
  /** Whether the reconstruction strip decodes means (deterministic) or sampled z (stochastic). */
  stripMode = $state<'mean' | 'sample'>('mean');
  /** Settings of a model just opened, for the form to take over. */
  openedSettings = $state.raw<{ model: NonNullable<Session['model']>; training: Session['training']; data: NonNullable<Session['dataset']>['spec'] } | null>(null);
  detail = $state.raw<Detail | null>(null);
  selected = $state<number | null>(null);
  /** Where the decode marker sits in the scatter (scene coordinates), or null. */
  marker = $state.raw<[number, number, number] | null>(null);
  connection = $state<'connecting' | 'ready' | 'lost'>('connecting');
  /** Tries to reconnect that failed since the connection was lost. */
  reconnectFailures = $state(0);
  exploreResult = $state.raw<ExploreResult | null>(null);
  /** The explore view chosen (a shift-click switches it to interpolation). */
  exploreKind = $state<Input<'explore'>['kind']>('prior');
  /** The ends of the last interpolation asked for, so the form shows what a shift-click chose. */
  interpolationEnds = $state.raw<{ from: number; to: number } | null>(null);
  /** Counts models shown: a new one makes the scatter follow its data again. */
  generation = $state(0);

  busy = $derived(this.status === 'running' || this.status === 'paused' || this.status === 'stopping');
  classNames = $derived(this.dataset?.classNames ?? null);

  /** The app's own yes/no questions (replace a saved model, discard unsaved training). */
  readonly confirm = new ConfirmState();
  readonly dialogs: PathPicker | null;
  private readonly link: Link | null;
  private readonly modelTag: ModelTag;
  private refreshing = false;
  private refreshAgain = false;
  private readonly decodeLatest: (z: Float32Array) => Promise<Images | undefined>;

  constructor(readonly api: Client, opts: AppOptions = {}) {
    this.dialogs = opts.dialogs ?? null;
    this.link = opts.link ?? null;
    this.modelTag = opts.modelTag ?? { current: null };
    this.decodeLatest = latestOnly((z: Float32Array) => api.decode({ z }));
  }

  async init(): Promise<void> {
    this.api.onUnmatchedError((e) => this.tell(`The engine could not read a request: ${e.message}`, 'error'));
    this.api.on('session', (s) => this.apply(s));
    this.api.on('progress', (p) => (this.progress = p));
    this.api.on('epoch', () => void this.refreshStrip());
    this.api.on('latentChanged', () => void this.refreshPoints());
    this.link?.onStatus((s) => this.linkChanged(s));
    this.apply(await this.api.getSession({}));
    this.datasets = await this.api.listDatasets({});
    this.connection = 'ready';
  }

  /**
   * Takes the engine's session: every window draws from it, so all agree.
   * A model other than the one shown (trained, opened or recovered here or in
   * another window, or an engine that restarted) replaces everything that
   * belonged to the old one. Returns whether it was another model.
   */
  private apply(s: Session): boolean {
    const sameEngine = s.engineId === this.engineId;
    // Messages from one engine arrive in order, but a reply may carry an older snapshot than an event did.
    if (sameEngine && this.modelId !== null && s.modelId < this.modelId) return false;
    const newModel = !sameEngine || s.modelId !== this.modelId;
    const finished = !newModel && this.busy && (s.status === 'done' || s.status === 'stopped');
    this.status = s.status;
    this.error = s.error;
    this.backend = s.backend;
    this.dataset = s.dataset;
    this.model = s.model;
    this.training = s.training;
    this.history = s.history;
    this.progress = s.progress;
    this.modelDir = s.modelDir;
    this.unsaved = s.unsaved;
    this.recovery = s.recovery;
    this.autosaveError = s.autosaveError;
    this.engineId = s.engineId;
    this.modelId = s.modelId;
    this.modelTag.current = s.modelId;
    if (newModel) this.showNewModel(s);
    else if (finished) void this.refreshAll();
    return newModel;
  }

  private showNewModel(s: Session): void {
    this.generation++;
    this.points = null;
    this.strip = null;
    this.exploreResult = null;
    this.detail = null;
    this.selected = null;
    this.marker = null;
    if (!s.model || !s.dataset) return;
    this.openedSettings = { model: s.model, training: s.training, data: s.dataset.spec };
    // A model being trained draws itself as its latent space changes; one that is not needs asking.
    if (!this.busy) void this.refreshAll();
  }

  /** Asks the engine how things stand and draws that (after a refusal, or a reconnection). */
  private async catchUp(): Promise<boolean | undefined> {
    const s = await this.api.getSession({}).catch(() => undefined);
    return s && this.apply(s);
  }

  private linkChanged(s: LinkStatus): void {
    if (s.state === 'lost') {
      this.connection = 'lost';
      this.reconnectFailures = s.failures;
      // Until this window has caught up, no model-bound request may act on whatever model the engine now holds.
      this.modelTag.current = -1;
      return;
    }
    void this.reconnected();
  }

  private async reconnected(): Promise<void> {
    const before = this.engineId;
    const s = await this.api.getSession({}).catch(() => undefined);
    if (!s) return; // lost again: the link says so, and tries on
    const newModel = this.apply(s);
    this.connection = 'ready';
    this.reconnectFailures = 0;
    if (s.engineId === before) {
      // Events sent while the socket was down are lost: draw the model afresh.
      if (!newModel && s.model) void this.refreshAll();
      this.tell('Reconnected; the engine kept everything.');
    } else {
      this.datasets = (await this.api.listDatasets({}).catch(() => undefined)) ?? this.datasets;
      this.tell(`The engine restarted: a model that was only in memory is gone.${s.recovery ? ' Its last autosave can be reopened.' : ''}`);
    }
  }

  tell(text: string, tone: 'info' | 'error' = 'info'): void {
    this.notice = text;
    this.noticeTone = tone;
  }

  /** Shows why a call failed, in words; a model changed elsewhere makes this window catch up instead. */
  private fail(err: unknown): void {
    if (refused(err, 'MODEL_CHANGED')) {
      this.tell('The model changed in another window; this window now shows the new one.');
      void this.catchUp();
    } else if (refused(err, 'DISCONNECTED')) {
      // Every call cut short says the same, so a drop that fails many shows one sentence.
      this.tell('The connection to the engine was lost; what was asked was not done.', 'error');
    } else {
      this.tell(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  /**
   * Runs an engine call, showing its error sentence instead of throwing. A
   * user's action clears the last notice first; a background refresh leaves it.
   */
  private async attempt<T>(fn: () => Promise<T>, clear = true): Promise<T | undefined> {
    try {
      if (clear) this.notice = null;
      return await fn();
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  /**
   * Runs a call that would replace the current model; when the engine refuses
   * because that model (or the autosaved one) is unsaved, asks whether to
   * discard it and, only if so, runs it again with `discard`.
   */
  private async replacing(call: (discard: boolean) => Promise<Session>): Promise<Session | undefined> {
    try {
      this.notice = null;
      return await call(false);
    } catch (err) {
      if (!refused(err, 'UNSAVED')) {
        this.fail(err);
        return undefined;
      }
      const shown = this.generation;
      if (!(await this.confirm.ask('Unsaved training', this.discardQuestion(err.message), 'Discard'))) return undefined;
      if (this.changedSince(shown)) return undefined;
      return this.attempt(() => call(true));
    }
  }

  /**
   * Whether the model changed while the user was answering: the answer was
   * about the old one, so it must not act on the new (say so instead).
   */
  private changedSince(generation: number): boolean {
    if (generation === this.generation) return false;
    this.tell('The model changed in another window while you were asked; nothing was done. This window now shows the new one.');
    return true;
  }

  private discardQuestion(refusal: string): string {
    const m = this.model;
    if (this.unsaved && m && this.dataset) {
      return `Discard the unsaved model (${describeModel(this.dataset.name, m.latentDim, m.hidden, this.history.length)})? Its training will be lost.`;
    }
    if (this.recovery) return `Discard the model from your last session (${this.recovery.description})? Its training will be lost.`;
    return `${refusal} Discard it? Its training will be lost.`;
  }

  async refreshAll(): Promise<void> {
    await Promise.all([this.refreshPoints(), this.refreshStrip()]);
  }

  /** Fetches the latent means again; overlapping requests collapse into one more. */
  async refreshPoints(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        const shown = this.generation;
        const pts = await this.attempt(() => this.api.latentPoints({}), false);
        // Points of a model replaced meanwhile must not be drawn over the new one.
        if (pts && shown === this.generation) this.points = pts;
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  async refreshStrip(): Promise<void> {
    const shown = this.generation;
    const s = await this.attempt(() => this.api.reconstructionStrip({ n: 10, mode: this.stripMode }), false);
    if (s && shown === this.generation) this.strip = s;
  }

  async start(input: Input<'startTraining'>): Promise<void> {
    const s = await this.replacing((discard) => this.api.startTraining(discard ? { ...input, discard } : input));
    if (s) this.apply(s);
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const call = { pause: this.api.pauseTraining, resume: this.api.resumeTraining, stop: this.api.stopTraining }[action];
    const s = await this.attempt(() => call({}));
    if (s) this.apply(s);
  }

  async continueTraining(epochs: number): Promise<void> {
    const s = await this.attempt(() => this.api.continueTraining({ epochs }));
    if (s) this.apply(s);
  }

  async openModel(dir: string): Promise<void> {
    const s = await this.replacing((discard) => this.api.openModel(discard ? { dir, discard } : { dir }));
    if (!s) return;
    this.apply(s);
    this.tell(`Opened ${s.modelDir ?? dir}`);
  }

  /**
   * Saves to `dir`. A folder that holds a model is replaced only after the
   * user says so in the app's dialog; anything else the engine refuses is
   * told, and left as it was.
   */
  async saveModel(dir: string): Promise<void> {
    let s: Session | undefined;
    try {
      this.notice = null;
      s = await this.api.saveModel({ dir });
    } catch (err) {
      if (!refused(err, 'MODEL_EXISTS')) return this.fail(err);
      const shown = this.generation;
      if (!(await this.confirm.ask('Replace a saved model?', replaceQuestion(err.message), 'Replace'))) return;
      if (this.changedSince(shown)) return;
      s = await this.attempt(() => this.api.saveModel({ dir, replace: true }));
    }
    if (!s) return;
    this.apply(s);
    this.tell(`Saved to ${s.modelDir}`);
  }

  /** "Reopen" on the recovery banner: the model a previous run left in the autosave. */
  async recoverAutosave(): Promise<void> {
    const s = await this.replacing((discard) => this.api.recoverAutosave(discard ? { discard } : {}));
    if (!s) return;
    this.apply(s);
    this.tell('Reopened the model from your last session. It is not saved yet: save it to keep it.');
  }

  /** "Discard" on the recovery banner, once the user confirms. */
  async discardAutosave(): Promise<void> {
    const r = this.recovery;
    if (!r) return;
    const ok = await this.confirm.ask('Discard the autosaved model?', `Discard the model from your last session (${r.description})? Its training will be lost.`, 'Discard');
    if (!ok) return;
    const s = await this.attempt(() => this.api.discardAutosave({}));
    if (!s) return;
    this.apply(s);
    this.tell('The model from your last session was discarded.');
  }

  /** "Open model…": a native folder dialog, then open what was chosen. */
  async openModelFromDialog(): Promise<void> {
    const dir = await this.choosePath({ purpose: 'open-model' });
    if (dir) await this.openModel(dir);
  }

  /** "Save model as…": a native save dialog suggesting a name, then save there. */
  async saveModelFromDialog(): Promise<void> {
    const m = this.model;
    const name = m && this.dataset ? `${this.dataset.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-latent-${m.latentDim}` : 'vae-model';
    const dir = await this.choosePath({ purpose: 'save-model', suggestedName: name });
    if (dir) await this.saveModel(dir);
  }

  /** A native file or folder dialog (desktop only); null when cancelled or failed (the failure is told). */
  async choosePath(request: PathRequest): Promise<string | null> {
    if (!this.dialogs) return null;
    return (await this.attempt(() => this.dialogs!(request))) ?? null;
  }

  async selectPoint(index: number): Promise<void> {
    this.selected = index;
    this.marker = null;
    const shown = this.generation;
    const r = await this.attempt(() => this.api.reconstruct({ index, samples: 4 }));
    if (r && this.selected === index && shown === this.generation) this.detail = { kind: 'point', ...r };
  }

  async decodeAt(z: Float32Array, dragging: boolean, scenePoint: [number, number, number]): Promise<void> {
    this.selected = null;
    this.marker = scenePoint;
    const shown = this.generation;
    const image = await this.attempt(() => this.decodeLatest(z));
    if (image && shown === this.generation) this.detail = { kind: 'space', z, image, dragging };
  }

  exportCsv(what: 'latent' | 'history'): Promise<Output<'exportCsv'> | undefined> {
    return this.attempt(() => this.api.exportCsv({ what }));
  }

  stripOf(n: number, mode: 'mean' | 'sample' = 'mean'): Promise<Output<'reconstructionStrip'> | undefined> {
    return this.attempt(() => this.api.reconstructionStrip({ n, mode }));
  }

  async runExplore(input: Input<'explore'>): Promise<void> {
    const shown = this.generation;
    const r = await this.attempt(() => this.api.explore(input));
    if (r && shown === this.generation) this.exploreResult = r;
  }

  /** Shift-click: the path from the selected point to this one. */
  async interpolateTo(index: number): Promise<void> {
    const from = this.selected ?? index;
    this.exploreKind = 'interpolate';
    this.interpolationEnds = { from, to: index };
    await this.runExplore({ kind: 'interpolate', from, to: index, steps: 10, path: 'linear' });
  }

  toggleClass(label: number): void {
    const next = new Set(this.hidden);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    this.hidden = next;
  }

  labelName(label: number | null): string {
    if (label === null) return 'unlabelled';
    return this.classNames?.[label] ?? String(label);
  }
}

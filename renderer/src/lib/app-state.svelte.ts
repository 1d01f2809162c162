import type { Client } from '../../../src/rpc/client.js';
import { latestOnly } from '../../../src/rpc/client.js';
import type { Input, Output, Payload } from '../../../src/contract/index.js';
import type { Session } from '../../../src/contract/schemas.js';
import type { PathPicker, PathRequest } from './api.js';

export type LatentPoints = Output<'latentPoints'>;
export type Images = Output<'decode'>;
export type PointDetail = { kind: 'point' } & Output<'reconstruct'>;
export type SpaceDetail = { kind: 'space'; z: Float32Array; image: Images; dragging: boolean };
export type Detail = PointDetail | SpaceDetail;
export type ExploreResult = Output<'explore'>;

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
  exploreResult = $state.raw<ExploreResult | null>(null);
  /** The explore view chosen (a shift-click switches it to interpolation). */
  exploreKind = $state<Input<'explore'>['kind']>('prior');
  /** The ends of the last interpolation asked for, so the form shows what a shift-click chose. */
  interpolationEnds = $state.raw<{ from: number; to: number } | null>(null);
  /** Counts models shown: a new one makes the scatter follow its data again. */
  generation = $state(0);

  busy = $derived(this.status === 'running' || this.status === 'paused' || this.status === 'stopping');
  classNames = $derived(this.dataset?.classNames ?? null);

  private refreshing = false;
  private refreshAgain = false;
  private readonly decodeLatest: (z: Float32Array) => Promise<Images | undefined>;

  /** `dialogs` opens the desktop app's native file and folder dialogs; the browser mode has none. */
  constructor(readonly api: Client, readonly dialogs: PathPicker | null = null) {
    this.decodeLatest = latestOnly((z: Float32Array) => api.decode({ z }));
  }

  async init(): Promise<void> {
    this.api.onUnmatchedError((e) => this.tell(`The engine could not read a request: ${e.message}`, 'error'));
    this.api.on('status', (s) => {
      this.status = s.status;
      this.error = s.error;
      if (s.status === 'done' || s.status === 'stopped') void this.refreshAll();
    });
    this.api.on('progress', (p) => (this.progress = p));
    this.api.on('epoch', (r) => {
      this.history = [...this.history, r];
      void this.refreshStrip();
    });
    this.api.on('latentChanged', () => void this.refreshPoints());
    this.apply(await this.api.getSession({}));
    this.datasets = await this.api.listDatasets({});
    this.connection = 'ready';
    if (this.model) await this.refreshAll();
  }

  private apply(s: Session): void {
    this.status = s.status;
    this.error = s.error;
    this.backend = s.backend;
    this.dataset = s.dataset;
    this.model = s.model;
    this.training = s.training;
    this.history = s.history;
    this.progress = s.progress;
    this.modelDir = s.modelDir;
  }

  tell(text: string, tone: 'info' | 'error' = 'info'): void {
    this.notice = text;
    this.noticeTone = tone;
  }

  /** Runs an engine call, showing its error sentence instead of throwing. */
  private async attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      this.notice = null;
      return await fn();
    } catch (err) {
      this.tell(err instanceof Error ? err.message : String(err), 'error');
      return undefined;
    }
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
        const pts = await this.attempt(() => this.api.latentPoints({}));
        if (pts) this.points = pts;
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  async refreshStrip(): Promise<void> {
    const s = await this.attempt(() => this.api.reconstructionStrip({ n: 10, mode: this.stripMode }));
    if (s) this.strip = s;
  }

  async start(input: Input<'startTraining'>): Promise<void> {
    const s = await this.attempt(() => this.api.startTraining(input));
    if (!s) return;
    this.apply(s);
    this.generation++;
    this.points = null;
    this.strip = null;
    this.exploreResult = null;
    this.detail = null;
    this.selected = null;
    this.marker = null;
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const call = { pause: this.api.pauseTraining, resume: this.api.resumeTraining, stop: this.api.stopTraining }[action];
    const s = await this.attempt(() => call({}));
    if (s) this.status = s.status;
  }

  async continueTraining(epochs: number): Promise<void> {
    const s = await this.attempt(() => this.api.continueTraining({ epochs }));
    if (s) this.apply(s);
  }

  async openModel(dir: string): Promise<void> {
    const s = await this.attempt(() => this.api.openModel({ dir }));
    if (!s) return;
    this.apply(s);
    this.generation++;
    this.detail = null;
    this.selected = null;
    this.marker = null;
    this.points = null;
    this.strip = null;
    if (s.model && s.dataset) this.openedSettings = { model: s.model, training: s.training, data: s.dataset.spec };
    await this.refreshAll();
    this.tell(`Opened ${dir}.`);
  }

  async saveModel(dir: string): Promise<void> {
    const s = await this.attempt(() => this.api.saveModel({ dir }));
    if (s) {
      this.apply(s);
      this.tell(`Saved to ${dir}.`);
    }
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
    const r = await this.attempt(() => this.api.reconstruct({ index, samples: 4 }));
    if (r && this.selected === index) this.detail = { kind: 'point', ...r };
  }

  async decodeAt(z: Float32Array, dragging: boolean, scenePoint: [number, number, number]): Promise<void> {
    this.selected = null;
    this.marker = scenePoint;
    const image = await this.attempt(() => this.decodeLatest(z));
    if (image) this.detail = { kind: 'space', z, image, dragging };
  }

  exportCsv(what: 'latent' | 'history'): Promise<Output<'exportCsv'> | undefined> {
    return this.attempt(() => this.api.exportCsv({ what }));
  }

  stripOf(n: number, mode: 'mean' | 'sample' = 'mean'): Promise<Output<'reconstructionStrip'> | undefined> {
    return this.attempt(() => this.api.reconstructionStrip({ n, mode }));
  }

  async runExplore(input: Input<'explore'>): Promise<void> {
    const r = await this.attempt(() => this.api.explore(input));
    if (r) this.exploreResult = r;
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

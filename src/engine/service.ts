import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EngineApi, EventName, Output, Payload } from '../contract/index.js';
import type { Session } from '../contract/schemas.js';
import { describeDataset, type Dataset } from '../data/dataset.js';
import { DEBIAN_FASHION_DIR, hasStandardFiles, loadDataset } from '../data/load.js';
import type { ModelConfig, TrainConfig } from '../model/config.js';
import { loadModel, saveModel, type EpochRecord } from '../model/io.js';
import { Vae } from '../model/vae.js';
import { decodeZ, encodeSet, reconstruct } from '../latent/ops.js';
import { subset } from '../latent/evaluate.js';
import { projectTo3d, type Projector } from '../latent/projection.js';
import { encodedToCsv, historyToCsv } from '../io/csv.js';
import { addNoise, interpolate, manifoldGrid, parseNoise, priorSamples, traverse } from '../latent/explore.js';
import type { ExploreInput } from '../contract/schemas.js';
import type { AdamState } from '../train/adam-state.js';
import { PauseGate } from '../train/pause-gate.js';
import type { BatchProgress } from '../train/trainer.js';
import { manifestFor, train } from '../train/trainer.js';
import { UserError } from '../util/errors.js';
import { userDataDir } from '../util/user-data.js';
import { LIMITS } from '../contract/limits.js';
import { initBackend } from './backend.js';
import { Autosave, type Recovery } from './autosave.js';
import { SerialQueue } from './queue.js';

type Status = Session['status'];
export type Emit = <E extends EventName>(name: E, payload: Payload<E>) => void;

/** How often, at most, the UI is told to redraw the latent space while training. */
const LATENT_REFRESH_MS = 2000;
/** Past this, a state-changing request (loading data, opening, saving) is abandoned so the next can run. */
const STEP_TIMEOUT_MS = 120_000;

export interface EngineOptions {
  /** The per-user data folder (the autosave lives there). */
  dataDir?: string;
  /** Deadline of one state-changing request. */
  stepTimeoutMs?: number;
}

/**
 * The engine behind the UI: one dataset, one model, one training run at a time.
 * Training runs on this thread but yields between batches, so decode and
 * reconstruct requests are answered while it goes on, with the live weights.
 */
export class EngineService implements EngineApi {
  private backend = 'unknown';
  private status: Status = 'idle';
  private error: string | null = null;
  private dataset: Dataset | null = null;
  private vae: Vae | null = null;
  private training: TrainConfig | null = null;
  private history: EpochRecord[] = [];
  private progress: BatchProgress | null = null;
  private modelDir: string | null = null;
  private adam: AdamState | null = null;
  private gate: PauseGate | null = null;
  private abort: AbortController | null = null;
  private lastLatentEvent = 0;
  /** How the last scatter placed z in 3D, to draw explore paths in the same space. */
  private projector: Projector | null = null;
  /** Requests that change the session run one at a time, in the order they came. */
  private readonly queue: SerialQueue;
  private readonly engineId = randomUUID();
  private modelId = 0;
  /** Epochs trained since the model was last saved or opened. */
  private unsaved = false;
  private readonly autosave: Autosave;
  private recovery: Recovery | null = null;
  private autosaveError: string | null = null;

  constructor(private readonly emit: Emit, opts: EngineOptions = {}) {
    this.queue = new SerialQueue(opts.stepTimeoutMs ?? STEP_TIMEOUT_MS);
    this.autosave = new Autosave(opts.dataDir ?? userDataDir());
  }

  private serial<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.queue.run(what, async (signal) => {
      const result = await fn(signal);
      this.changed();
      return result;
    });
  }

  async init(): Promise<void> {
    this.backend = (await initBackend()).name;
    this.recovery = await this.autosave.pending();
  }

  /** The current model's id, for refusing requests made for a model since replaced. */
  currentModelId(): number {
    return this.modelId;
  }

  /** Tells every window the whole session, so they all agree. */
  private changed(): void {
    this.emit('session', this.session());
  }

  private session(): Session {
    return {
      backend: this.backend,
      status: this.status,
      error: this.error,
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

  private setStatus(status: Status, error: string | null = null): void {
    this.status = status;
    this.error = error;
    this.emit('status', { status, error });
    this.changed();
  }

  private describeModel(): string {
    const c = this.vae?.config;
    if (!c || !this.dataset) return 'no model';
    const n = this.history.length;
    return `${this.dataset.name}, latent ${c.latentDim}, hidden ${c.hidden.join('-')}, ${n} epoch${n === 1 ? '' : 's'}`;
  }

  /**
   * Refuses to replace a model whose training was never saved, or to bury the
   * one a previous run left in the autosave, unless the user said to discard it.
   */
  private requireDiscardable(discard: boolean | undefined, what: string): void {
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
  private async discardUnsaved(): Promise<void> {
    this.unsaved = false;
    this.recovery = null;
    await this.autosave.settle().catch(() => undefined);
  }

  private busy(): boolean {
    return this.status === 'running' || this.status === 'paused' || this.status === 'stopping';
  }

  private requireIdle(what: string): void {
    if (this.busy()) throw new UserError('BUSY', `Stop the training before you ${what}.`);
  }

  private requireModel(): { vae: Vae; dataset: Dataset } {
    if (!this.vae || !this.dataset) throw new UserError('BAD_REQUEST', 'There is no model yet: train one or open a saved model.');
    return { vae: this.vae, dataset: this.dataset };
  }

  async getSession(): Promise<Session> {
    return this.session();
  }

  async listDatasets(): Promise<Output<'listDatasets'>> {
    const fashion = existsSync(DEBIAN_FASHION_DIR) && hasStandardFiles(DEBIAN_FASHION_DIR);
    return [
      { id: 'mnist', name: 'MNIST', available: true, detail: 'Handwritten digits, 60,000 training and 10,000 test images (built in).' },
      {
        id: 'fashion', name: 'Fashion-MNIST', available: fashion,
        detail: fashion ? `Clothing images from ${DEBIAN_FASHION_DIR}.` : "Install Debian's dataset-fashion-mnist package to use it.",
      },
    ];
  }

  startTraining(input: Parameters<EngineApi['startTraining']>[0]): Promise<Session> {
    return this.serial('Loading the data', (signal) => this.doStartTraining(input, signal));
  }

  private async doStartTraining(input: Parameters<EngineApi['startTraining']>[0], signal: AbortSignal): Promise<Session> {
    this.requireIdle('start a new one');
    this.requireDiscardable(input.discard, 'train a new one');
    const dataset = await loadDataset(input.data, { signal });
    signal.throwIfAborted();
    const config: ModelConfig = { ...input.model, height: dataset.train.height, width: dataset.train.width };
    const vae = Vae.create(config, input.training.seed);
    await this.discardUnsaved();
    this.replaceModel(vae, dataset, null);
    this.training = input.training;
    this.runTraining(input.training.epochs);
    return this.session();
  }

  continueTraining(input: { epochs: number }): Promise<Session> {
    return this.serial('Continuing', () => this.doContinueTraining(input));
  }

  private async doContinueTraining(input: { epochs: number }): Promise<Session> {
    this.requireIdle('continue');
    this.requireModel();
    this.training = { ...(this.training ?? defaultTraining()), epochs: input.epochs };
    this.runTraining(input.epochs);
    return this.session();
  }

  private replaceModel(vae: Vae, dataset: Dataset, dir: string | null): void {
    this.vae?.dispose();
    this.vae = vae;
    this.dataset = dataset;
    this.history = [];
    this.progress = null;
    this.adam = null;
    this.modelDir = dir;
    this.modelId += 1;
    this.unsaved = false;
    this.projector = null;
  }

  /** Starts the training loop without waiting for it; its course is reported through events. */
  private runTraining(epochs: number): void {
    const { vae, dataset } = this.requireModel();
    this.gate = new PauseGate();
    this.abort = new AbortController();
    this.setStatus('running');
    const config = { ...this.training!, epochs };
    const modelId = this.modelId;
    void train({
      vae, dataset, config, backend: this.backend, history: this.history, adamState: this.adam,
      signal: this.abort.signal, gate: this.gate,
      // Every epoch end is checkpointed into the autosave, so a crash or a closed window loses at most one epoch.
      out: this.autosave.dir,
      onCheckpoint: async () => {
        this.autosaveError = null;
        await this.autosave.checkpointed(this.describeModel());
      },
      onCheckpointError: (err) => {
        // The write error ends by telling the user to choose another place, which the app cannot offer here.
        const reason = (err instanceof Error ? err.message : String(err)).replace(/ Choose a place you can write to\.$/, '');
        this.autosaveError =
          `The autosave into ${this.autosave.dir} failed: ${reason} The model is only in memory until you save it; ` +
          'set LATENT_EXPLORER_DATA_DIR to a folder you can write to for the next start.';
        this.changed();
      },
      onBatch: (p) => {
        this.progress = p;
        this.emit('progress', p);
        const now = Date.now();
        if (now - this.lastLatentEvent >= LATENT_REFRESH_MS) {
          this.lastLatentEvent = now;
          this.emit('latentChanged', { epoch: p.epoch, batch: p.batch });
        }
      },
      onEpoch: (r) => {
        this.history = [...this.history, r];
        if (this.modelId === modelId) this.unsaved = true;
        this.emit('epoch', r);
        this.lastLatentEvent = Date.now();
        this.emit('latentChanged', { epoch: r.epoch, batch: 0 });
        this.changed();
      },
    }).then(
      (result) => {
        this.history = result.history;
        this.adam = result.adamState;
        this.setStatus(result.stopped ? 'stopped' : 'done');
      },
      (err: unknown) => {
        this.setStatus('failed', err instanceof Error ? err.message : String(err));
      },
    );
  }

  pauseTraining(): Promise<Session> {
    return this.serial('Pausing', () => this.doPauseTraining());
  }

  private async doPauseTraining(): Promise<Session> {
    if (this.status !== 'running') throw new UserError('BAD_REQUEST', 'Training is not running.');
    this.gate!.pause();
    this.setStatus('paused');
    return this.session();
  }

  resumeTraining(): Promise<Session> {
    return this.serial('Resuming', () => this.doResumeTraining());
  }

  private async doResumeTraining(): Promise<Session> {
    if (this.status !== 'paused') throw new UserError('BAD_REQUEST', 'Training is not paused.');
    this.gate!.resume();
    this.setStatus('running');
    return this.session();
  }

  stopTraining(): Promise<Session> {
    return this.serial('Stopping', () => this.doStopTraining());
  }

  private async doStopTraining(): Promise<Session> {
    if (!this.busy()) throw new UserError('BAD_REQUEST', 'Training is not running.');
    this.abort!.abort();
    this.gate!.resume();
    this.setStatus('stopping');
    return this.session();
  }

  openModel(input: { dir: string; discard?: boolean }): Promise<Session> {
    return this.serial('Opening the model', (signal) => this.doOpenModel(fullPath(input.dir), input.discard, signal));
  }

  private async doOpenModel(dir: string, discard: boolean | undefined, signal: AbortSignal, recovered = false): Promise<Session> {
    this.requireIdle('open a model');
    if (!recovered) this.requireDiscardable(discard, 'open another');
    const saved = await loadModel(dir);
    let dataset: Dataset;
    try {
      dataset = await loadDataset(saved.manifest.dataset.spec, { signal });
      signal.throwIfAborted();
    } catch (err) {
      saved.vae.dispose();
      throw err;
    }
    if (!recovered) await this.discardUnsaved();
    this.replaceModel(saved.vae, dataset, recovered ? null : path.resolve(dir));
    this.history = saved.manifest.history;
    this.training = saved.manifest.training;
    this.adam = saved.adamState;
    // A recovered model is in no folder the user chose: it stays unsaved until they save it.
    this.unsaved = recovered;
    if (recovered) this.recovery = null;
    this.setStatus(this.history.length > 0 ? 'done' : 'idle');
    return this.session();
  }

  recoverAutosave(input: { discard?: boolean }): Promise<Session> {
    return this.serial('Reopening the autosaved model', async (signal) => {
      if (!this.recovery) throw new UserError('NOT_FOUND', 'There is no autosaved model to reopen.');
      if (this.unsaved && !input.discard) this.requireDiscardable(false, 'reopen the autosaved one');
      return this.doOpenModel(this.recovery.dir, true, signal, true);
    });
  }

  discardAutosave(): Promise<Session> {
    return this.serial('Discarding the autosave', async () => {
      this.recovery = null;
      if (!this.unsaved) await this.autosave.settle();
      return this.session();
    });
  }

  saveModel(input: { dir: string; replace?: boolean }): Promise<Session> {
    return this.serial('Saving the model', () => this.doSaveModel(input));
  }

  private async doSaveModel(input: { dir: string; replace?: boolean }): Promise<Session> {
    this.requireIdle('save');
    const { vae, dataset } = this.requireModel();
    const manifest = manifestFor(vae, dataset, this.training ?? defaultTraining(), this.history);
    this.modelDir = await saveModel(fullPath(input.dir), vae, manifest, this.adam, { replace: input.replace ?? false });
    if (this.unsaved) await this.autosave.settle().catch(() => undefined);
    this.unsaved = false;
    return this.session();
  }

  async latentPoints(): Promise<Output<'latentPoints'>> {
    const { vae, dataset } = this.requireModel();
    const enc = await encodeSet(vae, dataset.test, 1000);
    const projected = projectTo3d(enc.mean, enc.count, enc.latentDim);
    this.projector = projected.project;
    return {
      count: enc.count, latentDim: enc.latentDim, mean: enc.mean, logVar: enc.logVar,
      labels: dataset.test.labels, positions: projected.positions, projection: projected.projection, explained: projected.explained,
    };
  }

  async decode(input: { z: Float32Array }): Promise<Output<'decode'>> {
    const { vae } = this.requireModel();
    const c = vae.config;
    const count = Math.floor(input.z.length / c.latentDim);
    const limit = Math.min(LIMITS.decodePoints, Math.floor(LIMITS.replyFloats / (c.height * c.width)));
    if (count > limit) {
      throw new UserError('TOO_LARGE', `Decoding ${count} points at once is more than the ${limit} one request may carry; ask in smaller parts.`);
    }
    const pixels = await decodeZ(vae, input.z);
    return { count: input.z.length / c.latentDim, height: c.height, width: c.width, pixels };
  }

  async reconstruct(input: { index: number; samples: number; seed?: number }): Promise<Output<'reconstruct'>> {
    const { vae, dataset } = this.requireModel();
    if (input.index >= dataset.test.count) {
      throw new UserError('BAD_REQUEST', `Test image ${input.index} does not exist; there are ${dataset.test.count}.`);
    }
    const one = subset(dataset.test, [input.index]);
    const { height: h, width: w } = one;
    const img = (pixels: Float32Array, count = 1) => ({ count, height: h, width: w, pixels });
    const mean = await reconstruct(vae, one, 'mean');
    const many = subset(dataset.test, Array.from({ length: input.samples }, () => input.index));
    const samples = input.samples > 0 ? await reconstruct(vae, many, 'sample', input.seed) : null;
    return {
      index: input.index,
      label: one.labels ? one.labels[0]! : null,
      original: img(one.pixels),
      mean: { z: mean.z, image: img(mean.pixels) },
      samples: { z: samples?.z ?? new Float32Array(0), images: img(samples?.pixels ?? new Float32Array(0), input.samples) },
    };
  }

  async explore(input: ExploreInput): Promise<Output<'explore'>> {
    const { vae, dataset } = this.requireModel();
    const k = vae.config.latentDim;
    const { height: h, width: w } = vae.config;
    const meanOf = async (i: number) => {
      if (i >= dataset.test.count) throw new UserError('BAD_REQUEST', `Test image ${i} does not exist; there are ${dataset.test.count}.`);
      return (await encodeSet(vae, subset(dataset.test, [i]))).mean;
    };
    const decoded = async (zs: Float32Array, cols: number, rowLabels: string[], path = false) => {
      const pixels = await decodeZ(vae, zs);
      const positions = path && this.projector ? this.projector(zs, zs.length / k) : null;
      return { images: { count: zs.length / k, height: h, width: w, pixels }, cols, z: zs, positions, rowLabels };
    };
    switch (input.kind) {
      case 'interpolate': {
        const [a, b] = [await meanOf(input.from), await meanOf(input.to)];
        return decoded(interpolate(a, b, input.steps, input.path), input.steps, [`#${input.from} → #${input.to} (${input.path})`], true);
      }
      case 'traverse':
        return decoded(traverse(await meanOf(input.index), input.range, input.steps), input.steps, Array.from({ length: k }, (_, d) => `z${d}`));
      case 'prior':
        return decoded(priorSamples(input.n, k, input.seed), Math.ceil(Math.sqrt(input.n)), []);
      case 'manifold': {
        if (k < 2) throw new UserError('BAD_REQUEST', 'A manifold grid needs at least two latent dims.');
        const base = input.at === null ? new Float32Array(k) : await meanOf(input.at);
        return decoded(manifoldGrid(base, input.dims, input.grid, input.range), input.grid, []);
      }
      case 'denoise': {
        const n = Math.min(input.n, dataset.test.count);
        const clean = subset(dataset.test, Array.from({ length: n }, (_, i) => i));
        const noise = parseNoise(`${input.noise}:${input.amount}`);
        const noisy = addNoise(clean.pixels, noise, input.seed);
        const rec = await reconstruct(vae, { ...clean, pixels: noisy }, input.mode, input.seed);
        const pixels = new Float32Array(noisy.length * 3);
        pixels.set(noisy, 0);
        pixels.set(rec.pixels, noisy.length);
        pixels.set(clean.pixels, 2 * noisy.length);
        const how = input.mode === 'mean' ? 'decoded mean (deterministic)' : 'decoded sample (stochastic)';
        return { images: { count: 3 * n, height: h, width: w, pixels }, cols: n, z: rec.z, positions: null, rowLabels: ['noisy input', how, 'clean original'] };
      }
    }
  }

  async exportCsv(input: { what: 'latent' | 'history' }): Promise<Output<'exportCsv'>> {
    if (input.what === 'history') return { filename: 'history.csv', text: historyToCsv(this.history) };
    const { vae, dataset } = this.requireModel();
    const enc = await encodeSet(vae, dataset.test, 1000);
    const { positions } = projectTo3d(enc.mean, enc.count, enc.latentDim);
    return { filename: 'latent-test.csv', text: encodedToCsv(enc, dataset.test.labels, positions) };
  }

  async testImages(input: { indices: number[] }): Promise<Output<'testImages'>> {
    const { dataset } = this.requireModel();
    const bad = input.indices.find((i) => i >= dataset.test.count);
    if (bad !== undefined) throw new UserError('BAD_REQUEST', `Test image ${bad} does not exist; there are ${dataset.test.count}.`);
    const s = subset(dataset.test, input.indices);
    return { count: s.count, height: s.height, width: s.width, pixels: s.pixels };
  }

  async reconstructionStrip(input: { n: number; mode?: 'mean' | 'sample'; seed?: number }): Promise<Output<'reconstructionStrip'>> {
    const { vae, dataset } = this.requireModel();
    const s = subset(dataset.test, Array.from({ length: Math.min(input.n, dataset.test.count) }, (_, i) => i));
    const r = await reconstruct(vae, s, input.mode ?? 'mean', input.seed);
    const pack = (pixels: Float32Array) => ({ count: s.count, height: s.height, width: s.width, pixels });
    return { originals: pack(s.pixels), reconstructions: pack(r.pixels) };
  }
}

/**
 * A folder path from a window must be absolute: a relative one would land
 * wherever the engine happened to start, which the user cannot see.
 */
function fullPath(dir: string): string {
  if (!path.isAbsolute(dir)) {
    throw new UserError('BAD_REQUEST', `"${dir}" is a relative path; give the folder's full path, from the root of the disk.`);
  }
  return dir;
}

function defaultTraining(): TrainConfig {
  return { epochs: 1, batchSize: 128, learningRate: 0.001, beta: 1, warmupEpochs: 0, seed: 42, limit: 0 };
}

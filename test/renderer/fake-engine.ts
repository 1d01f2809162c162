import type { EngineApi, EventName, Input, Method, Output, Payload } from '../../src/contract/index.js';
import type { Session } from '../../src/contract/schemas.js';
import type { EpochRecord, NativeConfig, TrainConfig } from '../../src/contract/shapes.js';
import { createClient, type Client } from '../../src/rpc/client.js';
import { memoryPair } from '../../src/rpc/memory.js';
import { RpcServer } from '../../src/rpc/rpc-server.js';
import type { Link, LinkStatus } from '../../src/rpc/reconnecting-endpoint.js';
import { UserError } from '../../src/contract/errors.js';

export const MODEL: NativeConfig = { height: 2, width: 2, latentDim: 3, hidden: [512], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 };
export const TRAINING: TrainConfig = { epochs: 10, batchSize: 128, learningRate: 0.001, beta: 1, warmupEpochs: 0, seed: 42, limit: 0 };

const loss = { total: 150, recon: 140, kl: 10 };
export const EPOCH: EpochRecord = { epoch: 1, train: loss, test: loss, klWeight: 1, seconds: 10, samplesPerSecond: 6000, backend: 'cpu' };

/** A session with a trained, unsaved MNIST model (latent 3, hidden 512, one epoch). */
export function trainedSession(overrides: Partial<Session> = {}): Session {
  return {
    backend: 'cpu',
    status: 'done',
    error: null,
    dataset: {
      name: 'MNIST',
      spec: { kind: 'mnist' },
      height: 2,
      width: 2,
      channels: 1,
      trainCount: 60000,
      testCount: 10000,
      labelled: true,
      classNames: null,
      skipped: [],
      skippedCount: 0,
      files: false,
    },
    model: MODEL,
    training: TRAINING,
    history: [EPOCH],
    progress: null,
    modelDir: null,
    engineId: 'engine-1',
    modelId: 1,
    unsaved: true,
    recovery: null,
    autosaveError: null,
    outcome: null,
    ...overrides,
  };
}

/** `count` 2×2 grey images whose every pixel is `value`. */
function images(count: number, value = 0.5): Output<'decode'> {
  return { count, height: 2, width: 2, channels: 1, pixels: new Float32Array(count * 4).fill(value) };
}

/**
 * An engine with canned answers, served over the in-memory transport as the
 * real one is. It refuses as the real engine does: UNSAVED when training or
 * opening would replace unsaved epochs, MODEL_EXISTS when saving over a
 * model, and (through the RPC server) MODEL_CHANGED for requests made for a
 * model it has since replaced.
 */
export class FakeEngine implements EngineApi {
  session: Session;
  /** Folders that already hold a model. */
  readonly models = new Set<string>();
  /** Every request, as the engine received it. */
  readonly received: { method: Method; input: unknown }[] = [];
  readonly #held = new Map<Method, Promise<void>>();

  constructor(session: Session = trainedSession()) {
    this.session = session;
  }

  /** Holds the next call to `method` until the returned function is called. */
  holdNext(method: Method): () => void {
    let release!: () => void;
    this.#held.set(method, new Promise<void>((resolve) => (release = resolve)));
    return release;
  }

  /** Another model, as another window would make it: a new id, its own settings. */
  replaceModel(model: Partial<NativeConfig>, training: Partial<TrainConfig> = {}): Session {
    this.session = { ...this.session, modelId: this.session.modelId + 1, model: { ...MODEL, ...model }, training: { ...TRAINING, ...training } };
    return this.session;
  }

  async #answer<T>(method: Method, input: unknown, value: () => T): Promise<T> {
    this.received.push({ method, input });
    const gate = this.#held.get(method);
    this.#held.delete(method);
    await gate;
    return value();
  }

  #refuseUnsaved(discard: boolean | undefined): void {
    if (this.session.unsaved && !discard) throw new UserError('UNSAVED', 'The current model has training that was never saved.');
  }

  getSession = (input: Input<'getSession'>) => this.#answer('getSession', input, () => this.session);
  listDatasets = (input: Input<'listDatasets'>) =>
    this.#answer('listDatasets', input, () => [{ id: 'mnist' as const, name: 'MNIST', available: true, detail: 'built in' }]);
  startTraining = (input: Input<'startTraining'>) =>
    this.#answer('startTraining', input, () => {
      this.#refuseUnsaved(input.discard);
      this.replaceModel(input.model, input.training);
      this.session = { ...this.session, status: 'running', history: [], unsaved: false };
      return this.session;
    });
  /** A step costs 2 ms per hidden unit in the first layer and a test image 0.05 ms: estimates differ by model, predictably. */
  measureTraining = (input: Input<'measureTraining'>) =>
    this.#answer('measureTraining', input, () => ({
      msPerStep: (input.model.hidden[0] ?? 1) * 0.02 * (input.model.arch === 'conv' ? 10 : 1),
      msPerTestImage: 0.05,
    }));
  continueTraining = (input: Input<'continueTraining'>) => this.#answer('continueTraining', input, () => this.session);
  pauseTraining = (input: Input<'pauseTraining'>) => this.#answer('pauseTraining', input, () => this.session);
  resumeTraining = (input: Input<'resumeTraining'>) => this.#answer('resumeTraining', input, () => this.session);
  stopTraining = (input: Input<'stopTraining'>) => this.#answer('stopTraining', input, () => this.session);
  openModel = (input: Input<'openModel'>) =>
    this.#answer('openModel', input, () => {
      this.#refuseUnsaved(input.discard);
      this.replaceModel({});
      this.session = { ...this.session, modelDir: input.dir, unsaved: false };
      return this.session;
    });
  saveModel = (input: Input<'saveModel'>) =>
    this.#answer('saveModel', input, () => {
      if (this.models.has(input.dir) && !input.replace) {
        throw new UserError('MODEL_EXISTS', `${input.dir} already holds a model (MNIST, latent 3, 1 epoch, saved 2026-01-02 03:04 UTC).`);
      }
      this.models.add(input.dir);
      this.session = { ...this.session, modelDir: input.dir, unsaved: false };
      return this.session;
    });
  importModel = (input: Input<'importModel'>) =>
    this.#answer('importModel', input, () => {
      this.#refuseUnsaved(input.discard);
      const imported = {
        height: 2,
        width: 2,
        latentDim: 3,
        likelihood: input.likelihood,
        sigma: input.sigma,
        arch: 'imported' as const,
        imported: { encoderOutputs: 'keras' as const, mean: 0, logVar: 1, decoderOutput: input.decoderOutput ?? ('probabilities' as const), parameters: 1234 },
      };
      this.session = { ...this.session, modelId: this.session.modelId + 1, model: imported, training: null, history: [], modelDir: null, unsaved: true };
      return this.session;
    });
  recoverAutosave = (input: Input<'recoverAutosave'>) => this.#answer('recoverAutosave', input, () => this.session);
  discardAutosave = (input: Input<'discardAutosave'>) => this.#answer('discardAutosave', input, () => this.session);
  latentPoints = (input: Input<'latentPoints'>) =>
    this.#answer('latentPoints', input, () => {
      const k = this.session.model?.latentDim ?? 3;
      const method = input.projection?.method === 'umap' ? ('umap' as const) : k === 3 ? ('identity' as const) : ('pca' as const);
      return {
        set: input.set ?? 'test',
        first: input.set === 'train' ? 10 : 0,
        count: 2,
        latentDim: k,
        mean: new Float32Array(2 * k),
        logVar: new Float32Array(2 * k),
        labels: Int32Array.from([0, 1]),
        positions: new Float32Array(6),
        projection: {
          method,
          sceneDims: 3 as const,
          axisNames: method === 'identity' ? ['z0', 'z1', 'z2'] : method === 'umap' ? ['UMAP 1', 'UMAP 2', 'UMAP 3'] : ['PC1', 'PC2', 'PC3'],
          axes: method === 'identity' ? [0, 1, 2] : null,
          center: null,
          components: null,
          explained: method === 'pca' ? [0.5, 0.3, 0.1] : null,
          seed: method === 'umap' ? 0 : null,
          neighbours: method === 'umap' ? 15 : null,
          fittedOn: method === 'umap' ? 2 : null,
          ms: 1,
        },
        // Every dim but the last carries information.
        health: {
          klPerDim: Array.from({ length: k }, (_, d) => (d < k - 1 ? 2 : 0.001)),
          varianceOfMeans: Array.from({ length: k }, (_, d) => (d < k - 1 ? 1 : 0)),
          activeUnits: k - 1,
        },
      };
    });
  stopProjecting = (input: Input<'stopProjecting'>) => this.#answer('stopProjecting', input, () => ({ stopped: false }));
  /** Every point placed at the origin. */
  project = (input: Input<'project'>) =>
    this.#answer('project', input, () => ({
      positions: new Float32Array(('prior' in input ? input.prior : input.z.length / (this.session.model?.latentDim ?? 3)) * 3),
    }));
  findImages = (input: Input<'findImages'>): Promise<Output<'findImages'>> => this.#answer('findImages', input, () => ({ numbers: [], searched: 0 }));
  /** Vectors and bookmarks kept in memory, as the engine keeps them beside a model. */
  vectors: Output<'listVectors'> = [];
  bookmarks = new Map<string, Output<'openBookmark'>>();
  listVectors = (input: Input<'listVectors'>) => this.#answer('listVectors', input, () => this.vectors);
  saveVector = (input: Input<'saveVector'>) =>
    this.#answer('saveVector', input, () => (this.vectors = [...this.vectors.filter((v) => v.name !== input.name), input]));
  deleteVector = (input: Input<'deleteVector'>) =>
    this.#answer('deleteVector', input, () => (this.vectors = this.vectors.filter((v) => v.name !== input.name)));
  #bookmarkList = () => [...this.bookmarks.values()].map((b) => ({ name: b.name, savedAt: b.savedAt })).reverse();
  listBookmarks = (input: Input<'listBookmarks'>) => this.#answer('listBookmarks', input, () => this.#bookmarkList());
  saveBookmark = (input: Input<'saveBookmark'>) =>
    this.#answer('saveBookmark', input, () => {
      this.bookmarks.set(input.bookmark.name, input.bookmark);
      return this.#bookmarkList();
    });
  openBookmark = (input: Input<'openBookmark'>) =>
    this.#answer('openBookmark', input, () => {
      const b = this.bookmarks.get(input.name);
      if (!b) throw new UserError('NOT_FOUND', `No bookmark is called ${input.name}.`);
      return b;
    });
  deleteBookmark = (input: Input<'deleteBookmark'>) =>
    this.#answer('deleteBookmark', input, () => {
      this.bookmarks.delete(input.name);
      return this.#bookmarkList();
    });
  decode = (input: Input<'decode'>) => this.#answer('decode', input, () => images(1, input.z[0]));
  reconstruct = (input: Input<'reconstruct'>) =>
    this.#answer('reconstruct', input, () => ({
      index: input.index,
      label: 1,
      original: images(1),
      mean: { z: new Float32Array(3), image: images(1) },
      samples: { z: new Float32Array(3 * input.samples), images: images(input.samples) },
    }));
  testImages = (input: Input<'testImages'>) => this.#answer('testImages', input, () => images(input.indices.length));
  /** The k images after the query's index (or from 0 for a z), a tenth further each. */
  neighbours = (input: Input<'neighbours'>) =>
    this.#answer('neighbours', input, () => {
      const start = 'index' in input.of ? input.of.index + 1 : 0;
      const indices = Array.from({ length: input.k }, (_, i) => start + i);
      return { indices, distances: indices.map((_, i) => 0.1 * (i + 1)), labels: indices.map((i) => i % 10), images: images(input.k) };
    });
  explore = (input: Input<'explore'>) =>
    this.#answer('explore', input, () => ({ images: images(4), cols: 4, z: new Float32Array(12), positions: null, rowLabels: [], colLabels: [] }));
  exportCsv = (input: Input<'exportCsv'>) => this.#answer('exportCsv', input, () => ({ filename: `${input.what}.csv`, text: 'a,b\n' }));
  reconstructionStrip = (input: Input<'reconstructionStrip'>) =>
    this.#answer('reconstructionStrip', input, () => ({ originals: images(input.n, 1), reconstructions: images(input.n, 0) }));

  /** The requests of one method the engine received, in order. */
  inputs<M extends Method>(method: M): Input<M>[] {
    return this.received.filter((r) => r.method === method).map((r) => r.input as Input<M>);
  }
}

/** A link whose status the test sets, counting who listens. */
export class FakeLink implements Link {
  #status: LinkStatus = { state: 'open', failures: 0 };
  readonly #watchers = new Set<(s: LinkStatus) => void>();

  get listeners(): number {
    return this.#watchers.size;
  }

  status(): LinkStatus {
    return this.#status;
  }

  onStatus(handler: (s: LinkStatus) => void): () => void {
    this.#watchers.add(handler);
    return () => void this.#watchers.delete(handler);
  }

  set(status: LinkStatus): void {
    this.#status = status;
    this.#watchers.forEach((w) => w(status));
  }
}

export interface Wired {
  engine: FakeEngine;
  /** The client the UI gets; it counts its event subscriptions. */
  client: Client;
  emit<E extends EventName>(name: E, payload: Payload<E>): void;
  /** Event handlers subscribed through the client and not yet released. */
  listeners(): number;
  /** What model-bound requests are tagged with, as the renderer's connection keeps it. */
  modelTag: { current: number | null };
}

/** The fake engine behind an RPC server on one end of an in-memory pair; a client on the other. */
export function wire(engine = new FakeEngine()): Wired {
  const server = new RpcServer(engine, { currentModel: () => engine.session.modelId });
  const [near, far] = memoryPair();
  server.attach(far);
  const modelTag = { current: null as number | null };
  const inner = createClient(near, { modelId: () => modelTag.current });
  let listening = 0;
  const client: Client = {
    ...inner,
    on(name, handler) {
      const off = inner.on(name, handler);
      listening++;
      let released = false;
      return () => {
        if (!released) listening--;
        released = true;
        off();
      };
    },
  };
  return { engine, client, emit: (name, payload) => server.emit(name, payload), listeners: () => listening, modelTag };
}

/** Lets every message in flight arrive (the in-memory transport delivers in later microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

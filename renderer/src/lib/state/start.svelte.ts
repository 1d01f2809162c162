import type { Input } from '../../../../src/contract/index.js';
import { DEFAULT_MODEL, DEFAULT_TRAIN } from '../../../../src/contract/defaults.js';
import type { Calls } from './calls.js';
import type { ModelActions } from './models.js';
import type { SessionMirror } from './session.svelte.js';
import { TrainingForm, type FormValues } from './training-form.svelte.js';

/** MNIST as the first screen trains on it: 28×28 grey, 60,000 training and 10,000 test images. */
const MNIST = { height: 28, width: 28, channels: 1 as const, train: 60000, test: 10000 };

/** A starting point: what it shows, and the settings it puts in the form. */
export interface Preset {
  id: 'quick' | 'sharp' | 'conv' | 'binarised';
  title: string;
  /** What the person will see, in a sentence. */
  blurb: string;
  values: Partial<FormValues>;
}

/** The first screen's choices, quickest first. Each names every setting it relies on, so none inherits an edit. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'quick',
    title: 'A quick look',
    blurb: 'Three latent dims, drawn as they are: watch the digits sort themselves into clusters.',
    values: { arch: 'mlp', latent: '3', hidden: '512', binarize: false, likelihood: 'bernoulli', epochs: '3' },
  },
  {
    id: 'sharp',
    title: 'Sharp reconstructions',
    blurb: 'Sixteen latent dims, projected to 3D: decodes as sharp as the originals.',
    values: { arch: 'mlp', latent: '16', hidden: '512', binarize: false, likelihood: 'bernoulli', epochs: '10' },
  },
  {
    id: 'conv',
    title: 'Convolutional',
    blurb: 'Convolutions instead of dense layers: a better likelihood at sixteen dims, and slower.',
    values: { arch: 'conv', filters: '32,64', latent: '16', hidden: '256', binarize: false, likelihood: 'bernoulli', epochs: '5' },
  },
  {
    id: 'binarised',
    title: 'Binarised MNIST',
    blurb: 'The benchmark papers report: black-and-white digits, figures comparable with theirs (about 89–90 nats).',
    values: { arch: 'mlp', latent: '32', hidden: '512,256', binarize: true, likelihood: 'bernoulli', epochs: '30' },
  },
];

/** The settings every preset starts from: the contract's defaults. */
const BASE: Partial<FormValues> = {
  source: 'mnist',
  activation: DEFAULT_MODEL.activation,
  beta: String(DEFAULT_TRAIN.beta),
  warmup: String(DEFAULT_TRAIN.warmupEpochs),
  batch: String(DEFAULT_TRAIN.batchSize),
  lr: String(DEFAULT_TRAIN.learningRate),
  seed: String(DEFAULT_TRAIN.seed),
  limit: '0',
  learnSigma: false,
};

/** Seconds a run takes, from what one step and one test image cost: every epoch's steps, then its test pass. */
export function runSeconds(
  cost: { msPerStep: number; msPerTestImage: number },
  epochs: number,
  batchSize: number,
  train = MNIST.train,
  test = MNIST.test,
): number {
  const steps = Math.ceil(train / batchSize);
  return (epochs * (steps * cost.msPerStep + test * cost.msPerTestImage)) / 1000;
}

/** "about 40 s", "about 3 min", "about 1 h 20 min": rounded as a person would say it. */
export function aboutTime(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = Math.round((minutes % 60) / 10) * 10;
  return m === 0 || m === 60 ? `about ${m === 60 ? h + 1 : h} h` : `about ${h} h ${m} min`;
}

type Estimate = { state: 'measuring' } | { state: 'ready'; seconds: number } | { state: 'failed'; reason: string };

/**
 * The first screen: which preset is chosen, what each would take on this
 * machine (measured by the engine, one preset at a time, before anything is
 * trained), and the one click that trains the chosen one.
 */
export class StartState {
  #chosen = $state<Preset['id']>('quick');
  #estimates = $state.raw<Partial<Record<Preset['id'], Estimate>>>({});
  #measuring = false;

  constructor(
    private readonly calls: Calls,
    private readonly session: SessionMirror,
    private readonly form: TrainingForm,
    private readonly models: ModelActions,
  ) {}

  /** Shown while there is nothing to explore and nothing training. */
  get visible(): boolean {
    return this.session.model === null && !this.session.busy && this.session.recovery === null;
  }

  get chosen(): Preset {
    return PRESETS.find((p) => p.id === this.#chosen)!;
  }

  choose(id: Preset['id']): void {
    this.#chosen = id;
  }

  estimate(id: Preset['id']): Estimate | undefined {
    return this.#estimates[id];
  }

  /** Measures every preset's step in turn, the chosen one first and the slow convolutional one last (a second or two each); once per app. */
  async measureAll(): Promise<void> {
    if (this.#measuring) return;
    this.#measuring = true;
    const order = [this.chosen, ...PRESETS.filter((p) => p !== this.chosen && p.id !== 'conv'), ...PRESETS.filter((p) => p.id === 'conv' && p !== this.chosen)];
    for (const p of order) {
      if (!this.visible) return;
      this.#estimates = { ...this.#estimates, [p.id]: { state: 'measuring' } };
      const request = this.#requestFor(p);
      try {
        const cost = await this.calls.api.measureTraining({
          model: request.model,
          image: { height: MNIST.height, width: MNIST.width, channels: MNIST.channels },
          batchSize: request.training.batchSize,
        });
        this.#estimates = { ...this.#estimates, [p.id]: { state: 'ready', seconds: runSeconds(cost, request.training.epochs, request.training.batchSize) } };
      } catch (err) {
        this.#estimates = { ...this.#estimates, [p.id]: { state: 'failed', reason: (err as Error).message } };
      }
    }
  }

  /** Puts the chosen preset in the form and trains it: one click from an empty screen to a model learning. */
  async train(): Promise<void> {
    this.#apply(this.chosen);
    const request = this.form.request();
    if (request) await this.models.start(request);
  }

  #apply(p: Preset): void {
    applyPreset(this.form, p);
  }

  /** The training request a preset makes, parsed by a form of its own (the one on screen is left as it is). */
  #requestFor(p: Preset): Input<'startTraining'> {
    const probe = new TrainingForm();
    applyPreset(probe, p);
    const request = probe.request();
    if (!request) throw new Error(`The preset "${p.title}" does not make a valid request.`);
    return request;
  }
}

/** Puts a preset's settings, over the contract's defaults, in a form. */
export function applyPreset(form: TrainingForm, p: Preset): void {
  for (const [k, v] of Object.entries({ ...BASE, ...p.values }) as [keyof FormValues, FormValues[keyof FormValues]][]) form.edit(k, v);
}

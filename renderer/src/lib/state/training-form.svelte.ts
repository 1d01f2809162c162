import type { Input, Output } from '../../../../src/contract/index.js';
import { DEFAULT_FILTERS, DEFAULT_MODEL, DEFAULT_TRAIN } from '../../../../src/contract/defaults.js';
import { type Session } from '../../../../src/contract/schemas.js';
import { LIMITS } from '../../../../src/contract/limits.js';
import { ENCODER_ROLES, NativeConfigSchema, TrainConfigSchema, type Architecture, type EncoderRole } from '../../../../src/contract/shapes.js';

export type Source = 'mnist' | 'fashion' | 'folder' | 'files' | 'images';

/** Values per pixel for an image folder: decided by the images ('auto'), grey or colour. */
export type ImageChannels = 'auto' | '1' | '3';

/** The form's fields as the user typed them. */
export interface FormValues {
  source: Source;
  folder: string;
  imagesFile: string;
  labelsFile: string;
  imageFolder: string;
  /** Side of the square the images are resized to; empty lets the loader decide. */
  imageSize: string;
  imageChannels: ImageChannels;
  /** Grey IDX data drawn as black and white afresh for every batch. */
  binarize: boolean;
  arch: Architecture;
  /** Filters of each stride-2 convolution, comma separated; a conv model's only. */
  filters: string;
  latent: string;
  hidden: string;
  activation: 'relu' | 'tanh' | 'elu' | 'sigmoid';
  likelihood: 'bernoulli' | 'gaussian';
  sigma: string;
  learnSigma: boolean;
  beta: string;
  warmup: string;
  epochs: string;
  batch: string;
  lr: string;
  seed: string;
  limit: string;
}

/** The import fields as typed: the two model.json paths, the decoder's output kind and the encoder outputs' roles. */
export interface ImportFields {
  encoder: string;
  decoder: string;
  decoderOutput: 'auto' | 'logits' | 'probabilities';
  /** Empty: found from the outputs' names. */
  roles: string;
}

/** A model's settings, as a session carries them. */
export interface ModelSettings {
  model: NonNullable<Session['model']>;
  training: Session['training'];
  data: NonNullable<Session['dataset']>['spec'];
}

/** A field parsed: its value, or the sentence to show beside it. */
export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

/** The form starts from the contract's defaults, the same the engine and the command line use. */
const DEFAULTS: FormValues = {
  source: 'mnist',
  folder: '',
  imagesFile: '',
  labelsFile: '',
  imageFolder: '',
  imageSize: '',
  imageChannels: 'auto',
  binarize: false,
  arch: 'mlp',
  filters: DEFAULT_FILTERS.join(','),
  latent: String(DEFAULT_MODEL.latentDim),
  hidden: DEFAULT_MODEL.hidden.join(','),
  activation: DEFAULT_MODEL.activation,
  likelihood: DEFAULT_MODEL.likelihood,
  sigma: String(DEFAULT_MODEL.sigma),
  learnSigma: false,
  beta: String(DEFAULT_TRAIN.beta),
  warmup: String(DEFAULT_TRAIN.warmupEpochs),
  epochs: String(DEFAULT_TRAIN.epochs),
  batch: String(DEFAULT_TRAIN.batchSize),
  lr: String(DEFAULT_TRAIN.learningRate),
  seed: String(DEFAULT_TRAIN.seed),
  limit: String(DEFAULT_TRAIN.limit),
};

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } };

/** Parses a field with its contract schema, so the form says what the engine would refuse. */
function check<T>(schema: Schema<T>, raw: unknown): Parsed<T> {
  const r = schema.safeParse(raw);
  return r.success ? { value: r.data } : { error: r.error.issues[0]?.message ?? 'invalid' };
}
const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
const list = (s: string) => s.split(',').map((p) => num(p));
/** A whole number checked by its schema; a fraction is told in words the schema would not use. */
function whole(schema: Schema<number>, s: string, name: string): Parsed<number> {
  return Number.isInteger(num(s)) ? check(schema, num(s)) : { error: `${name} must be a whole number` };
}

/** An image size as typed: empty is automatic (undefined), anything else a whole number in the engine's range. */
function imageSize(s: string): Parsed<number | undefined> {
  if (s.trim() === '') return { value: undefined };
  const n = num(s);
  const { min, max } = LIMITS.imageSize;
  return Number.isInteger(n) && n >= min && n <= max ? { value: n } : { error: `a whole number from ${min} to ${max}, or empty for automatic` };
}

const m = NativeConfigSchema.shape;
const t = TrainConfigSchema.shape;

/**
 * The "Data and model" form: what the user typed, each field checked against
 * the contract's schemas, and the request it makes. It takes over a model's
 * settings whenever another model is shown (opened here, or trained in
 * another window).
 */
export class TrainingForm {
  #values = $state.raw<FormValues>(DEFAULTS);
  #datasets = $state.raw<Output<'listDatasets'>>([]);

  get values(): Readonly<FormValues> {
    return this.#values;
  }

  readonly fields = $derived({
    latentDim: whole(m.latentDim, this.#values.latent, 'latent dim'),
    hidden: list(this.#values.hidden).some((v) => !Number.isInteger(v))
      ? ({ error: 'whole numbers, comma separated (e.g. 512,256)' } as Parsed<number[]>)
      : check(m.hidden, list(this.#values.hidden)),
    filters:
      this.#values.arch !== 'conv'
        ? ({ value: undefined } as Parsed<number[] | undefined>)
        : list(this.#values.filters).some((v) => !Number.isInteger(v))
          ? ({ error: 'whole numbers, comma separated (e.g. 32,64)' } as Parsed<number[] | undefined>)
          : check(m.filters, list(this.#values.filters)),
    sigma: check(m.sigma, num(this.#values.sigma)),
    beta: check(t.beta, num(this.#values.beta)),
    warmupEpochs: check(t.warmupEpochs, num(this.#values.warmup)),
    epochs: whole(t.epochs, this.#values.epochs, 'epochs'),
    batchSize: whole(t.batchSize, this.#values.batch, 'batch size'),
    learningRate: check(t.learningRate, num(this.#values.lr)),
    seed: whole(t.seed, this.#values.seed, 'seed'),
    limit: whole(t.limit, this.#values.limit, 'limit'),
  });

  /** The image folder's size field; only checked while an image folder is the source. */
  readonly imageSize = $derived(this.#values.source === 'images' ? imageSize(this.#values.imageSize) : ({ value: undefined } as Parsed<number | undefined>));

  /** What is missing about the data, or null. */
  readonly dataError = $derived(
    this.#values.source === 'folder' && this.#values.folder.trim() === ''
      ? 'give the folder that holds the four IDX files'
      : this.#values.source === 'files' && this.#values.imagesFile.trim() === ''
        ? 'give an IDX image file (labels are optional)'
        : this.#values.source === 'images' && this.#values.imageFolder.trim() === ''
          ? 'give the folder of images (one subfolder per class)'
          : null,
  );

  readonly valid = $derived(!this.dataError && this.imageSize.error === undefined && Object.values(this.fields).every((f) => f.error === undefined));

  /** Fashion-MNIST, when the engine knows of it (it may not be installed). */
  readonly fashion = $derived(this.#datasets.find((d) => d.id === 'fashion'));

  edit<K extends keyof FormValues>(field: K, value: FormValues[K]): void {
    this.#values = { ...this.#values, [field]: value };
  }

  /** The built-in datasets the engine offers. */
  setDatasets(list: Output<'listDatasets'>): void {
    this.#datasets = list;
  }

  /** Shows a model's own settings, so training again starts from what it was trained with. */
  takeOver({ model, training, data }: ModelSettings): void {
    const v: FormValues = {
      ...this.#values,
      source: data.kind,
      latent: String(model.latentDim),
      likelihood: model.likelihood,
      // A learned σ is float32: six significant digits show it without the rounding noise.
      sigma: String(Number(model.sigma.toPrecision(6))),
      learnSigma: model.learnSigma === true,
    };
    // An imported model's layers are its own: the form keeps its architecture fields for a model trained here.
    if (model.arch !== 'imported') {
      Object.assign(v, {
        hidden: model.hidden.join(','),
        activation: model.activation,
        arch: model.arch ?? 'mlp',
        filters: model.arch === 'conv' ? (model.filters ?? DEFAULT_FILTERS).join(',') : this.#values.filters,
      });
    }
    if (training) {
      Object.assign(v, {
        beta: String(training.beta),
        warmup: String(training.warmupEpochs),
        epochs: String(training.epochs),
        batch: String(training.batchSize),
        lr: String(training.learningRate),
        seed: String(training.seed),
        limit: String(training.limit),
      });
    }
    v.binarize = data.kind !== 'images' && data.binarize === 'dynamic';
    if (data.kind === 'folder') v.folder = data.path;
    if (data.kind === 'files') {
      v.imagesFile = data.images;
      v.labelsFile = data.labels ?? '';
    }
    if (data.kind === 'images') {
      v.imageFolder = data.path;
      v.imageSize = data.size === undefined ? '' : String(data.size);
      v.imageChannels = data.channels === undefined ? 'auto' : data.channels === 3 ? '3' : '1';
    }
    this.#values = v;
  }

  /** The data the form names, as the contract's spec; only the settings given are sent. */
  #dataSpec(): Input<'startTraining'>['data'] {
    const v = this.#values;
    const binarize = v.binarize ? { binarize: 'dynamic' as const } : {};
    switch (v.source) {
      case 'folder':
        return { kind: 'folder', path: v.folder.trim(), ...binarize };
      case 'files':
        return { kind: 'files', images: v.imagesFile.trim(), ...(v.labelsFile.trim() ? { labels: v.labelsFile.trim() } : {}), ...binarize };
      case 'images': {
        const size = this.imageSize.value;
        return {
          kind: 'images',
          path: v.imageFolder.trim(),
          ...(size !== undefined ? { size } : {}),
          ...(v.imageChannels !== 'auto' ? { channels: v.imageChannels === '3' ? 3 : 1 } : {}),
        };
      }
      default:
        return { kind: v.source, ...binarize };
    }
  }

  /**
   * An import of networks trained elsewhere, on the data and with the
   * likelihood this form names: the request, or the sentence saying what is missing.
   */
  importRequest(i: ImportFields): { request: Input<'importModel'> } | { error: string } {
    if (!i.encoder.trim() || !i.decoder.trim()) return { error: "give the encoder's and the decoder's model.json" };
    if (this.dataError) return { error: this.dataError };
    if (this.imageSize.error !== undefined) return { error: `image size: ${this.imageSize.error}` };
    const sigma = this.fields.sigma;
    if (this.#values.likelihood === 'gaussian' && sigma.error !== undefined) return { error: `σ: ${sigma.error}` };
    const roles = i.roles.trim() === '' ? undefined : i.roles.split(',').map((r) => r.trim());
    if (roles && (roles.length < 2 || roles.length > 3 || roles.some((r) => !(ENCODER_ROLES as readonly string[]).includes(r)))) {
      return { error: "roles: mean, logvar and (for three outputs) z, in the order of the encoder's outputs, e.g. mean,logvar" };
    }
    return {
      request: {
        encoder: i.encoder.trim(),
        decoder: i.decoder.trim(),
        data: this.#dataSpec(),
        ...(i.decoderOutput !== 'auto' ? { decoderOutput: i.decoderOutput } : {}),
        ...(roles ? { roles: roles as EncoderRole[] } : {}),
        likelihood: this.#values.likelihood,
        sigma: sigma.value ?? DEFAULT_MODEL.sigma,
      },
    };
  }

  /** The training request the form describes, or null while a field is invalid. */
  request(): Input<'startTraining'> | null {
    if (!this.valid) return null;
    const f = this.fields;
    const v = this.#values;
    return {
      data: this.#dataSpec(),
      model: {
        latentDim: f.latentDim.value!,
        hidden: f.hidden.value!,
        activation: v.activation,
        ...(v.arch === 'conv' ? { arch: 'conv' as const, filters: f.filters.value! } : {}),
        likelihood: v.likelihood,
        sigma: f.sigma.value!,
        ...(v.likelihood === 'gaussian' && v.learnSigma ? { learnSigma: true } : {}),
      },
      training: {
        epochs: f.epochs.value!,
        batchSize: f.batchSize.value!,
        learningRate: f.learningRate.value!,
        beta: f.beta.value!,
        warmupEpochs: f.warmupEpochs.value!,
        seed: f.seed.value!,
        limit: f.limit.value!,
      },
    };
  }
}

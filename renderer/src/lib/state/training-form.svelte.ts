import type { Input, Output } from '../../../../src/contract/index.js';
import { DEFAULT_FILTERS, DEFAULT_MODEL, DEFAULT_TRAIN } from '../../../../src/contract/defaults.js';
import { type Session } from '../../../../src/contract/schemas.js';
import { EXPLORE_FIELDS, FIELDS } from '../../../../src/contract/fields.js';
import { type Denoise, ENCODER_ROLES, type Architecture, type EncoderRole } from '../../../../src/contract/shapes.js';

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
  /** Train as a denoiser: the noise put on each batch's input ('none': a plain VAE), and its σ or share of pixels. */
  denoise: 'none' | 'gaussian' | 'saltpepper';
  denoiseAmount: string;
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
  denoise: 'none',
  denoiseAmount: '0.3',
};

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } };

/** Parses a field with its contract schema, so the form says, in the contract's words, what the engine would refuse. */
function check<T>(schema: Schema<T>, raw: unknown): Parsed<T> {
  const r = schema.safeParse(raw);
  return r.success ? { value: r.data } : { error: r.error.issues[0]?.message ?? 'This value is not accepted.' };
}
/** A number as typed: empty is no number at all (Number('') would be 0). */
const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
const list = (s: string) => s.split(',').map((p) => num(p));

/** An image size as typed: empty is automatic (undefined), anything else checked by the contract's rule. */
function imageSize(s: string): Parsed<number | undefined> {
  return s.trim() === '' ? { value: undefined } : check(FIELDS.imageSize, num(s));
}

/** The number fields in the order they are shown, so the form's problems read top to bottom. */
const FIELD_ORDER = [
  'filters',
  'latentDim',
  'hidden',
  'sigma',
  'beta',
  'warmupEpochs',
  'epochs',
  'batchSize',
  'learningRate',
  'seed',
  'limit',
  'denoiseAmount',
] as const;

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

  /** Each number field parsed by its contract rule: its value, or the sentence shown beside it. */
  readonly fields = $derived({
    latentDim: check(FIELDS.latentDim, num(this.#values.latent)),
    hidden: check(FIELDS.hidden, list(this.#values.hidden)),
    filters: this.#values.arch === 'conv' ? check(FIELDS.filters, list(this.#values.filters)) : ({ value: undefined } as Parsed<number[] | undefined>),
    // σ means nothing to a Bernoulli likelihood: its field is hidden, so it cannot hold training up (a wrong one sends the default).
    sigma:
      this.#values.likelihood === 'gaussian'
        ? check(FIELDS.sigma, num(this.#values.sigma))
        : ({ value: check(FIELDS.sigma, num(this.#values.sigma)).value ?? DEFAULT_MODEL.sigma } as Parsed<number>),
    beta: check(FIELDS.beta, num(this.#values.beta)),
    warmupEpochs: check(FIELDS.warmupEpochs, num(this.#values.warmup)),
    epochs: check(FIELDS.epochs, num(this.#values.epochs)),
    batchSize: check(FIELDS.batchSize, num(this.#values.batch)),
    learningRate: check(FIELDS.learningRate, num(this.#values.lr)),
    seed: check(FIELDS.seed, num(this.#values.seed)),
    limit: check(FIELDS.limit, num(this.#values.limit)),
    // Only a denoiser's noise is checked: σ up to 5 for Gaussian noise, a share up to 1 for salt and pepper.
    denoiseAmount:
      this.#values.denoise === 'none'
        ? ({ value: undefined } as Parsed<number | undefined>)
        : check(this.#values.denoise === 'gaussian' ? EXPLORE_FIELDS.noiseSigma : EXPLORE_FIELDS.noiseShare, num(this.#values.denoiseAmount)),
  });

  /** The image folder's size field; only checked while an image folder is the source. */
  readonly imageSize = $derived(this.#values.source === 'images' ? imageSize(this.#values.imageSize) : ({ value: undefined } as Parsed<number | undefined>));

  /** What is missing about the data, or null. */
  readonly dataError = $derived(
    this.#values.source === 'folder' && this.#values.folder.trim() === ''
      ? 'Give the folder that holds the four IDX files.'
      : this.#values.source === 'files' && this.#values.imagesFile.trim() === ''
        ? 'Give an IDX image file (labels are optional).'
        : this.#values.source === 'images' && this.#values.imageFolder.trim() === ''
          ? 'Give the folder of images (one subfolder per class).'
          : null,
  );

  /** Every sentence the form shows, in the order of its fields: why it would not train. */
  readonly problems = $derived(
    [this.dataError, this.imageSize.error, ...FIELD_ORDER.map((f) => this.fields[f].error)].filter((e): e is string => typeof e === 'string'),
  );

  readonly valid = $derived(this.problems.length === 0);

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
        denoise: training.denoise?.noise ?? 'none',
        denoiseAmount: training.denoise ? String(training.denoise.amount) : this.#values.denoiseAmount,
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
    if (!i.encoder.trim() || !i.decoder.trim()) return { error: "Give the encoder's and the decoder's model.json." };
    if (this.dataError) return { error: this.dataError };
    if (this.imageSize.error !== undefined) return { error: this.imageSize.error };
    const sigma = this.fields.sigma;
    if (sigma.error !== undefined) return { error: sigma.error };
    const roles = i.roles.trim() === '' ? undefined : i.roles.split(',').map((r) => r.trim());
    if (roles && (roles.length < 2 || roles.length > 3 || roles.some((r) => !(ENCODER_ROLES as readonly string[]).includes(r)))) {
      return { error: "Give the roles as mean, logvar and (for three outputs) z, in the order of the encoder's outputs, such as mean,logvar." };
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
        ...(v.denoise !== 'none' ? { denoise: { noise: v.denoise, amount: f.denoiseAmount.value as number } as Denoise } : {}),
      },
    };
  }
}

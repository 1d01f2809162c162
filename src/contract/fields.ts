import { z } from 'zod';
import { LIMITS } from './limits.js';

// Every number a person types, with its rule and its sentences, defined once:
// the contract's schemas are built from these, so the form, the explore view,
// the engine and the command line all say the same thing.

/** How a number a person types is checked, and what to say when it is wrong. */
export interface NumberRule {
  /** The field as a sentence starts with it: "The learning rate", "Epochs", "σ". */
  name: string;
  /** The field as the sentence asking for a number names it (default: `name`, lower-cased). */
  object?: string;
  min: number;
  /** The minimum itself is refused: the value must be above it (a rate, a σ). */
  above?: boolean;
  max?: number;
  whole?: boolean;
  /** What the number counts, said after the bounds: "epochs". */
  unit?: string;
  /** A sensible value, shown when asking for a number. */
  example: string;
  /** The whole sentence asking for a number, where the default would not read well (a list). */
  ask?: string;
}

const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });
/** A bound as people write it: 5,000, 0.001. */
export const figure = (n: number): string => format.format(n);

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** The sentence for a value that is not a number at all (empty, text, infinite). */
export function askSentence(r: NumberRule): string {
  if (r.ask) return r.ask;
  const kind = r.whole ? 'a whole number' : r.unit ? `a number of ${r.unit}` : 'a number';
  return `Give ${r.object ?? lowerFirst(r.name)} as ${kind}, such as ${r.example}.`;
}

/** The sentence for a number outside the rule: a fraction where a whole one is needed, or out of bounds. */
export function rangeSentence(r: NumberRule): string {
  const unit = r.unit ? ` ${r.unit}` : '';
  if (r.whole) {
    return r.max === undefined
      ? `${r.name} must be a whole number, ${figure(r.min)} or more.`
      : `${r.name} must be a whole number from ${figure(r.min)} to ${figure(r.max)}${unit}.`;
  }
  if (r.max === undefined) return `${r.name} must be ${r.above ? 'above' : 'at least'} ${figure(r.min)}${unit}.`;
  return r.above
    ? `${r.name} must be above ${figure(r.min)} and at most ${figure(r.max)}${unit}.`
    : `${r.name} must be from ${figure(r.min)} to ${figure(r.max)}${unit}.`;
}

/**
 * A number schema from its rule: every issue it raises is one of the rule's
 * two sentences, so no library wording reaches a person.
 */
export function numberField(r: NumberRule) {
  const ask = askSentence(r);
  const range = rangeSentence(r);
  // A fraction where a whole number is needed is an invalid_type for zod ("expected int"): it is out of the rule, not "not a number".
  let s = z.number({ error: (iss) => (iss.code === 'invalid_type' && iss.expected !== 'int' ? ask : range) });
  if (r.whole) s = s.int();
  s = r.above ? s.gt(r.min) : s.min(r.min);
  if (r.max !== undefined) s = s.max(r.max);
  return s;
}

/** A list of numbers typed comma separated (hidden sizes, filters): its items' rule and how many it holds. */
export interface ListRule {
  item: NumberRule;
  min: number;
  max: number;
  /** Asks for the list when an item is not a number. */
  ask: string;
  /** Says how many items the list may hold. */
  count: string;
}

/** A list schema from its rule: items told by the item's range, anything else by the list's own sentences. */
export function listField(r: ListRule) {
  return z
    .array(numberField({ ...r.item, ask: r.ask }), { error: () => r.ask })
    .min(r.min, r.count)
    .max(r.max, r.count);
}

/**
 * Whether a message is one of these sentences, which name their field: they
 * end in a full stop, and zod's own wording never does.
 */
export function namesItsField(message: string): boolean {
  return message.endsWith('.');
}

/** A place in a request as words: training.learningRate → "training learning rate". */
function placeOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) =>
      typeof p === 'number'
        ? `item ${p + 1}`
        : String(p)
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toLowerCase(),
    )
    .join(' ');
}

/**
 * Zod issues as what a person reads: a sentence that names its field stands
 * alone, anything else is told with its place in words. Repeats are dropped.
 */
export function describeIssues(error: z.ZodError): string {
  const parts = [...new Set(error.issues.map((i) => (namesItsField(i.message) || i.path.length === 0 ? i.message : `${placeOf(i.path)}: ${i.message}`)))];
  return parts.reduce((out, p, k) => (k === 0 ? p : `${out}${namesItsField(parts[k - 1]!) ? ' ' : '; '}${p}`), '');
}

/** The first sentence a value earns under a schema, or null when it passes: what the form shows beside a field. */
export function problem(schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'This value is not accepted.');
}

/** Sensible limits for a new training run (saved models keep the older, wider ones: see shapes.ts). */
export const TRAINING_LIMITS = {
  epochs: 5000,
  warmupEpochs: 5000,
  batchSize: 8192,
  learningRate: 1,
  beta: 1000,
} as const;

const X = LIMITS.explore;

/** The rules of every number a person types, by field. */
export const RULES = {
  latentDim: { name: 'Latent dims', object: 'the number of latent dims', min: 1, max: LIMITS.latentDim, whole: true, example: '3' },
  hiddenSize: { name: 'Each hidden size', min: 1, max: 8192, whole: true, example: '512' },
  filterCount: { name: 'Each filter count', min: 1, max: 512, whole: true, example: '32' },
  sigma: { name: 'σ', min: 0, above: true, max: 10, example: '0.1' },
  beta: { name: 'β', min: 0, max: TRAINING_LIMITS.beta, example: '1' },
  warmupEpochs: { name: 'The KL warm-up', min: 0, max: TRAINING_LIMITS.warmupEpochs, unit: 'epochs', example: '0' },
  epochs: { name: 'Epochs', object: 'the number of epochs', min: 1, max: TRAINING_LIMITS.epochs, whole: true, example: '10' },
  batchSize: { name: 'The batch size', min: 1, max: TRAINING_LIMITS.batchSize, whole: true, example: '128' },
  learningRate: { name: 'The learning rate', min: 0, above: true, max: TRAINING_LIMITS.learningRate, example: '0.001' },
  seed: { name: 'The seed', min: 0, max: 2 ** 31 - 1, whole: true, example: '42' },
  limit: { name: 'The limit', min: 0, whole: true, example: '0', ask: 'Give the limit as a whole number of images, or 0 to train on all of them.' },
  imageSize: { name: 'The image size', min: LIMITS.imageSize.min, max: LIMITS.imageSize.max, whole: true, example: '28' },
  /** Test images shown above their reconstructions (the strip and its export). */
  stripImages: { name: 'The number of reconstructions', min: 1, max: 64, whole: true, example: '16' },
  // The explore view's fields.
  testImage: { name: 'A test image number', object: 'the test image', min: 0, whole: true, example: '0' },
  pathSteps: { name: 'Steps', object: 'the steps', min: 2, max: X.pathSteps, whole: true, example: '10' },
  traverseSteps: { name: 'Steps', object: 'the steps', min: 2, max: X.traverseSteps, whole: true, example: '10' },
  range: { name: 'The range', min: 0, above: true, max: X.range, example: '3' },
  priorSamples: { name: 'The number of samples', min: 1, max: X.priorSamples, whole: true, example: '36' },
  latentIndex: { name: 'A latent dim', object: 'the latent dim', min: 0, whole: true, example: '0' },
  grid: { name: 'The grid size', min: 2, max: X.grid, whole: true, example: '12' },
  denoiseImages: { name: 'The number of images', min: 1, max: X.denoise, whole: true, example: '10' },
  noiseAmount: { name: 'The noise amount', min: 0, above: true, max: 5, example: '0.3' },
  /** Gaussian noise's σ, in pixel values. */
  noiseSigma: { name: 'σ', min: 0, above: true, max: 5, example: '0.3' },
  /** Salt-and-pepper noise's share of pixels. */
  noiseShare: { name: 'p', min: 0, above: true, max: 1, example: '0.1' },
  exploreSeed: { name: 'The seed', min: 0, whole: true, example: '0' },
} as const satisfies Record<string, NumberRule>;

/** Hidden layer sizes: one to eight layers. */
export const HIDDEN_RULE: ListRule = {
  item: RULES.hiddenSize,
  min: 1,
  max: 8,
  ask: 'Give the hidden sizes as whole numbers separated by commas, such as 512,256.',
  count: 'Give from 1 to 8 hidden sizes, one per layer.',
};

/** Filters of each convolution: one to five convolutions. */
export const FILTERS_RULE: ListRule = {
  item: RULES.filterCount,
  min: 1,
  max: 5,
  ask: 'Give the filters as whole numbers separated by commas, such as 32,64.',
  count: 'Give from 1 to 5 filter counts, one per convolution.',
};

/** The schemas of those fields, for the contract's shapes and for the forms. */
export const FIELDS = {
  latentDim: numberField(RULES.latentDim),
  hidden: listField(HIDDEN_RULE),
  filters: listField(FILTERS_RULE),
  sigma: numberField(RULES.sigma),
  beta: numberField(RULES.beta),
  warmupEpochs: numberField(RULES.warmupEpochs),
  epochs: numberField(RULES.epochs),
  batchSize: numberField(RULES.batchSize),
  learningRate: numberField(RULES.learningRate),
  seed: numberField(RULES.seed),
  limit: numberField(RULES.limit),
  imageSize: numberField(RULES.imageSize),
  stripImages: numberField(RULES.stripImages),
} as const;

/** The explore request's numbers (ExploreInputSchema is built from these). */
export const EXPLORE_FIELDS = {
  testImage: numberField(RULES.testImage),
  pathSteps: numberField(RULES.pathSteps),
  traverseSteps: numberField(RULES.traverseSteps),
  range: numberField(RULES.range),
  priorSamples: numberField(RULES.priorSamples),
  latentIndex: numberField(RULES.latentIndex),
  grid: numberField(RULES.grid),
  denoiseImages: numberField(RULES.denoiseImages),
  noiseAmount: numberField(RULES.noiseAmount),
  noiseSigma: numberField(RULES.noiseSigma),
  noiseShare: numberField(RULES.noiseShare),
  seed: numberField(RULES.exploreSeed),
} as const;

/** A manifold grid's two dims, which only the model bounds: said the same by the engine and the explore view. */
export const differentDims = (latentDim?: number): string =>
  latentDim === undefined ? 'Choose two different dims.' : `Choose two different dims from 0 to ${latentDim - 1}.`;
export const ONE_DIM = 'This model has one latent dim; a manifold grid needs two.';

// The options of `npm run bench` (bench/train.ts) and of the child process it
// starts for each thread count (bench/train-child.ts), and the one JSON line
// the child prints. Not run on its own.
import { parseArgs } from 'node:util';
import { DEFAULT_FILTERS, DEFAULT_MODEL, DEFAULT_TRAIN } from '../src/contract/defaults.js';

export const OPTIONS = {
  /** Thread counts to compare, one child process each. */
  threads: { type: 'string', default: '1,2' },
  /** The main model: epochs, architecture, sizes, images (0: all 60,000), IWAE k (0: none). */
  epochs: { type: 'string', default: '3' },
  arch: { type: 'string', default: 'mlp' },
  latent: { type: 'string', default: String(DEFAULT_MODEL.latentDim) },
  hidden: { type: 'string', default: DEFAULT_MODEL.hidden.join(',') },
  filters: { type: 'string', default: DEFAULT_FILTERS.join(',') },
  limit: { type: 'string', default: '0' },
  iwae: { type: 'string', default: '0' },
  /** The conv model's one timed epoch runs on this many images. */
  'conv-limit': { type: 'string', default: '3000' },
  /** The stock-tfjs baseline: timed steps, after warm-up steps. */
  'baseline-steps': { type: 'string', default: '30' },
  'baseline-warmup': { type: 'string', default: '3' },
  /** Single-z decodes timed one by one. */
  'decode-n': { type: 'string', default: '500' },
} as const;

export interface BenchOptions {
  threads: number[];
  epochs: number;
  arch: 'mlp' | 'conv';
  latent: number;
  hidden: number[];
  filters: number[];
  limit: number;
  iwae: number;
  convLimit: number;
  baselineSteps: number;
  baselineWarmup: number;
  decodeN: number;
}

const list = (s: string) => s.split(',').map(Number);

function whole(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}; it is "${raw}".`);
  return n;
}

export function benchOptions(args: string[]): BenchOptions {
  const { values: v } = parseArgs({ args, options: OPTIONS });
  return {
    threads: list(v.threads).map((t) => whole('threads', String(t), 1)),
    epochs: whole('epochs', v.epochs, 1),
    arch: v.arch === 'conv' ? 'conv' : 'mlp',
    latent: whole('latent', v.latent, 1),
    hidden: list(v.hidden),
    filters: list(v.filters),
    limit: whole('limit', v.limit, 0),
    iwae: whole('iwae', v.iwae, 0),
    convLimit: whole('conv-limit', v['conv-limit'], 1),
    baselineSteps: whole('baseline-steps', v['baseline-steps'], 1),
    baselineWarmup: whole('baseline-warmup', v['baseline-warmup'], 0),
    decodeN: whole('decode-n', v['decode-n'], 1),
  };
}

/** The options as arguments again, less --threads: what the parent hands each child. */
export function childArgs(o: BenchOptions): string[] {
  return [
    ['--epochs', o.epochs],
    ['--arch', o.arch],
    ['--latent', o.latent],
    ['--hidden', o.hidden.join(',')],
    ['--filters', o.filters.join(',')],
    ['--limit', o.limit],
    ['--iwae', o.iwae],
    ['--conv-limit', o.convLimit],
    ['--baseline-steps', o.baselineSteps],
    ['--baseline-warmup', o.baselineWarmup],
    ['--decode-n', o.decodeN],
  ].flatMap(([k, val]) => [String(k), String(val)]);
}

/** One epoch of a training run, as the child reports it. */
export interface EpochLine {
  epoch: number;
  seconds: number;
  imagesPerSecond: number;
  msPerStep: number;
  trainElbo: number;
  testElbo: number;
  testRecon: number;
  testKl: number;
}

/** What one child process measured, printed by it as one JSON line. */
export interface ChildResult {
  kind: 'latent-explorer-train-bench';
  requestedThreads: number;
  backend: { name: string; label: string; threads: number; notes: string[] };
  main: {
    layout: string;
    parameters: number;
    images: number;
    epochs: EpochLine[];
    meanSeconds: number;
    meanMsPerStep: number;
    /** CPU seconds per wall second over the training run (test evaluations included): the cores kept busy. */
    coresBusy: number;
    testElbo: number | null;
    iwae: { k: number; nats: number; seconds: number } | null;
  };
  conv: { layout: string; parameters: number; images: number; seconds: number; secondsPer60k: number; msPerStep: number };
  baseline: { layout: string; steps: number; warmup: number; msPerStep: number; secondsPerEpoch: number; lastLoss: number };
  encode: { images: number; seconds: number; imagesPerSecond: number };
  decode: { n: number; p50: number; p95: number; batch: number; batchMs: number };
  tensors: {
    start: number;
    mainBefore: number;
    mainAfter: number;
    convBefore: number;
    convAfter: number;
    baselineBefore: number;
    baselineAfter: number;
    end: number;
  };
}

/** MNIST's training images, and the steps of one epoch over them at the default batch (469 at 128). */
export const MNIST_TRAIN = 60000;
export const STEPS_PER_EPOCH = Math.ceil(MNIST_TRAIN / DEFAULT_TRAIN.batchSize);

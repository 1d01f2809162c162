import os from 'node:os';
import { pixelsPerImage } from '../data/dataset.js';
import { UserError } from '../contract/errors.js';
import type { ImportedConfig, NativeConfig } from '../contract/shapes.js';
import { convGeometry, KERNEL } from './conv-geometry.js';

const GiB = 2 ** 30;

/**
 * The most memory the wasm backend can ever have: the memory section of
 * @tensorflow/tfjs-backend-wasm 4.22's binaries (tfjs-backend-wasm-simd.wasm
 * and the plain build) declares a maximum of 65,536 pages of 64 KiB, 4 GiB,
 * and their emscripten glue caps growth at 4,294,901,760 bytes (getHeapMax).
 * Every tensor lives in that heap, and it never shrinks.
 */
export const WASM_MAX_HEAP_BYTES = 4 * GiB;

/** Heap kept free of parameters: data batches, activations and their gradients, allocator slack. */
export const WASM_HEAP_HEADROOM_BYTES = 1 * GiB;

/**
 * Heap bytes one parameter costs at the peak of a training step, measured on
 * the wasm backend (62-75 bytes across 0.4 M to 40 M parameters). What stays
 * is 16 bytes (the weight, Adam's two moments, the gradient); the rest is the
 * Adam update's float32 temporaries, which all live until one tidy over every
 * variable ends. Were they freed per variable, about 20 bytes would do.
 */
export const TRAINING_BYTES_PER_PARAMETER = 64;

/**
 * The most parameters a model may have on a machine with `totalMemory` bytes:
 * its training must fit in the wasm heap less headroom, and in a quarter of
 * the machine's memory (the engine shares it with the app, the data and
 * whatever else runs).
 */
export function parameterLimit(totalMemory: number = os.totalmem()): number {
  const budget = Math.min(WASM_MAX_HEAP_BYTES - WASM_HEAP_HEADROOM_BYTES, totalMemory / 4);
  return Math.floor(budget / TRAINING_BYTES_PER_PARAMETER);
}

/** The limit on this machine, for display. */
export const MAX_MODEL_PARAMETERS = parameterLimit();

type Architecture = Pick<NativeConfig, 'height' | 'width' | 'channels' | 'latentDim' | 'hidden' | 'arch' | 'filters'> | ImportedConfig;

const denseSize = (ins: number, outs: number) => ins * outs + outs;
const convSize = (ins: number, outs: number) => KERNEL * KERNEL * ins * outs + outs;

/** Parameters of the dense layers from `ins` through `hidden` and back out, mirrored, with the two latent heads. */
function denseStack(ins: number, hidden: readonly number[], latentDim: number, outs: number): number {
  let count = 0;
  let fanIn = ins;
  for (const units of hidden) {
    count += denseSize(fanIn, units);
    fanIn = units;
  }
  count += 2 * denseSize(fanIn, latentDim);
  fanIn = latentDim;
  for (const units of [...hidden].reverse()) {
    count += denseSize(fanIn, units);
    fanIn = units;
  }
  return count + denseSize(fanIn, outs);
}

/**
 * Trainable parameters of the networks (a learned σ adds one more): for an
 * imported model, the count recorded when it was imported; for an
 * MLP, the dense layers from the pixels and back; for a conv model, its
 * convolutions, the dense layers from their output grid and back, and the
 * transposed convolutions.
 */
export function parameterCount(config: Architecture): number {
  if (config.arch === 'imported') return config.imported.parameters;
  if (config.arch !== 'conv') return denseStack(pixelsPerImage(config), config.hidden, config.latentDim, pixelsPerImage(config));
  const g = convGeometry(config);
  let count = 0;
  let inC = g.channels;
  for (const f of g.filters) {
    count += convSize(inC, f);
    inC = f;
  }
  count += denseStack(g.innerHeight * g.innerWidth * inC, config.hidden, config.latentDim, g.innerHeight * g.innerWidth * inC);
  for (const f of [...g.filters].reverse()) {
    count += convSize(inC, f);
    inC = f;
  }
  return count + convSize(inC, g.channels);
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Refuses, before anything is allocated, a model too big to train on this machine. */
export function checkModelSize(config: Architecture, limit: number = MAX_MODEL_PARAMETERS): void {
  const count = parameterCount(config);
  if (count > limit) {
    throw new UserError(
      'BAD_CONFIG',
      `This model has ${fmt(count)} parameters, more than the ${fmt(limit)} this machine can train; ` + 'use fewer or narrower hidden layers.',
    );
  }
}

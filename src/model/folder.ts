import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AdamState } from './optimizer-state.js';
import { writeDirAtomic } from '../util/atomic.js';
import { UserError } from '../contract/errors.js';
import { describeIssues } from './config.js';
import { modelFromLayers } from './architectures.js';
import type { VaeModel } from './vae-model.js';
import { checkSaveTarget } from './save-target.js';
import { readJson, readModelFile } from './model-file.js';
import { checkModelSize, parameterCount } from './capacity.js';

import { DataSpecSchema, EpochRecordSchema, LossSchema, ModelConfigSchema, StoredTrainConfigSchema } from '../contract/shapes.js';

export const ManifestSchema = z.object({
  format: z.literal('latent-explorer-model'),
  version: z.literal(1),
  config: ModelConfigSchema,
  /** The wider bounds of older versions: a model saved under them still opens. */
  training: StoredTrainConfigSchema,
  dataset: z.object({
    name: z.string(),
    spec: DataSpecSchema,
    trainCount: z.number().int(),
    testCount: z.number().int(),
    classNames: z.array(z.string()).nullable(),
  }),
  history: z.array(EpochRecordSchema),
  /** Test-set figures after the last epoch, in nats. */
  metrics: LossSchema.nullable(),
  savedAt: z.string(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export interface SavedModel {
  vae: VaeModel;
  manifest: Manifest;
  /** Adam's state, when it was saved, for continuing training exactly. */
  adamState: AdamState | null;
}

async function captureArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return captured!;
}

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/** Writes a Layers model in the standard format: model.json plus one weights.bin. */
export async function writeLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  const artifacts = await captureArtifacts(model);
  const weights = joinWeights(artifacts.weightData);
  const manifest: tf.io.WeightsManifestConfig = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: manifest,
  };
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
  await fs.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(weights));
}

/**
 * Saves a model folder atomically: encoder/ and decoder/ in the standard
 * TensorFlow.js Layers format, manifest.json, and Adam's state when given.
 * Only to a new path, an empty folder, or (with `replace`) a folder holding a
 * model; anything else is refused untouched. Returns the absolute path written.
 */
export async function saveModel(
  dir: string,
  vae: VaeModel,
  manifest: Manifest,
  adam?: AdamState | null,
  /** `extra` writes what the app keeps with a model (its vectors, the bookmarks beside it) into the new folder before it takes the old one's place. */
  opts: { replace?: boolean; extra?: (into: string, target: string) => Promise<void> } = {},
): Promise<string> {
  const checked = ManifestSchema.parse(manifest);
  const target = await checkSaveTarget(dir, opts.replace ?? false);
  await writeDirAtomic(
    target.path,
    async (tmp) => {
      await writeLayersModel(vae.encoder, path.join(tmp, 'encoder'));
      await writeLayersModel(vae.decoder, path.join(tmp, 'decoder'));
      if (adam) await writeAdamFiles(tmp, adam);
      await fs.writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(checked, null, 2));
      await opts.extra?.(tmp, target.path);
    },
    async (old) => {
      // Checked again once moved aside, so a file added since the first look is never deleted.
      await checkSaveTarget(old, opts.replace ?? false);
    },
  );
  return target.path;
}

async function readBytes(file: string, exact?: number): Promise<ArrayBuffer> {
  const b = await readModelFile(file, exact === undefined ? {} : { exact });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Loads one Layers model folder (its model.json and weights) with tf.loadLayersModel. */
export function loadLayersModelDir(dir: string, maxWeightBytes = Number.MAX_SAFE_INTEGER): Promise<tf.LayersModel> {
  return loadLayersModelFile(path.join(dir, 'model.json'), maxWeightBytes);
}

/**
 * Loads a Layers model from its model.json (any name, as tensorflowjs_converter
 * writes it) and the weight files it lists beside it, through an in-memory
 * handler. Weight files must be plain names in the same folder.
 */
export async function loadLayersModelFile(file: string, maxWeightBytes = Number.MAX_SAFE_INTEGER): Promise<tf.LayersModel> {
  const dir = path.dirname(file);
  const json = (await readJson(file)) as tf.io.ModelJSON;
  const manifest = json?.weightsManifest;
  if (!json?.modelTopology || !Array.isArray(manifest)) {
    throw new UserError('BAD_MODEL', `${file} is not a TensorFlow.js Layers model.`);
  }
  const outside = manifest.flatMap((g) => g.paths).find((p) => typeof p !== 'string' || p !== path.basename(p) || p === '..' || p === '.');
  if (outside !== undefined) {
    throw new UserError('BAD_MODEL', `${file} lists a weights file outside its folder (${String(outside)}); only files beside it are read.`);
  }
  const specs = manifest.flatMap((g) => g.weights);
  const unusual = specs.find((w) => (w.dtype ?? 'float32') !== 'float32' || w.quantization);
  if (unusual) {
    throw new UserError(
      'BAD_MODEL',
      `${file} holds ${unusual.quantization ? 'quantised' : unusual.dtype} weights (${unusual.name}); convert the model with float32 weights and no quantisation.`,
    );
  }
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (!Number.isSafeInteger(expected) || expected > maxWeightBytes) {
    throw new UserError('BAD_MODEL', `${file} describes ${expected} bytes of weights, more than this model can have (${maxWeightBytes}).`);
  }
  const files = manifest.flatMap((g) => g.paths);
  // The usual single weights file must be exactly as large as the specs say, checked before it is read.
  const buffers = await Promise.all(files.map((p) => readBytes(path.join(dir, p), files.length === 1 ? expected : undefined)));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  if (weightData.byteLength !== expected) {
    throw new UserError('BAD_MODEL', `${dir}: the weights file holds ${weightData.byteLength} bytes but the model needs ${expected}.`);
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  } catch (err) {
    throw new UserError('BAD_MODEL', `${dir} could not be loaded as a Layers model: ${(err as Error).message}`);
  }
}

/** Reads just the manifest of a model folder, validated. */
export async function readManifest(dir: string): Promise<Manifest> {
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new Error('not a folder');
  } catch {
    throw new UserError('NOT_FOUND', `${dir} is not a model folder.`);
  }
  const parsed = ManifestSchema.safeParse(await readJson(path.join(dir, 'manifest.json')));
  if (!parsed.success) {
    throw new UserError('BAD_MODEL', `${path.join(dir, 'manifest.json')} is not a Latent Explorer manifest (${describeIssues(parsed.error)}).`);
  }
  return parsed.data;
}

/** Loads a model folder written by `saveModel`. Every part is checked; a broken folder is a BAD_MODEL error. */
export async function loadModel(dir: string): Promise<SavedModel> {
  const manifest = await readManifest(dir);
  // Before any weight is read: a manifest describing a model too big for this machine stops here.
  checkModelSize(manifest.config);
  // Each half holds at most the whole model's parameters, as float32.
  const maxBytes = parameterCount(manifest.config) * 4;
  const encoder = await loadLayersModelDir(path.join(dir, 'encoder'), maxBytes);
  const decoder = await loadLayersModelDir(path.join(dir, 'decoder'), maxBytes).catch((err: unknown) => {
    encoder.dispose();
    throw err;
  });
  let vae: VaeModel;
  try {
    vae = modelFromLayers(manifest.config, encoder, decoder);
  } catch (err) {
    encoder.dispose();
    decoder.dispose();
    throw err;
  }
  const adamState = await readAdamFiles(
    dir,
    vae.variables().map((v) => v.size),
  );
  return { vae, manifest, adamState };
}

const AdamFileSchema = z.object({ optimizer: z.literal('adam'), iterations: z.number().int().min(0), sizes: z.array(z.number().int()) });

/** optimizer.json (iteration count, sizes) + optimizer.bin (every m, then every v, float32). */
async function writeAdamFiles(dir: string, adam: AdamState): Promise<void> {
  const sizes = adam.m.map((m) => m.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const bin = new Float32Array(2 * total);
  let at = 0;
  for (const part of [...adam.m, ...adam.v]) {
    bin.set(part, at);
    at += part.length;
  }
  await fs.writeFile(path.join(dir, 'optimizer.bin'), new Uint8Array(bin.buffer));
  await fs.writeFile(path.join(dir, 'optimizer.json'), JSON.stringify({ optimizer: 'adam', iterations: adam.iterations, sizes }));
}

/** Adam's saved state, or null when absent or not for these variables (training then starts a fresh Adam). */
async function readAdamFiles(dir: string, sizes: number[]): Promise<AdamState | null> {
  const meta = AdamFileSchema.safeParse(await readJson(path.join(dir, 'optimizer.json')).catch(() => null));
  if (!meta.success || meta.data.sizes.join() !== sizes.join()) return null;
  const total = sizes.reduce((a, b) => a + b, 0);
  const bytes = await readBytes(path.join(dir, 'optimizer.bin'), 8 * total).catch(() => null);
  if (!bytes || bytes.byteLength !== 8 * total) return null;
  const all = new Float32Array(bytes);
  const parts: Float32Array[] = [];
  let at = 0;
  for (const size of [...sizes, ...sizes]) {
    parts.push(all.slice(at, at + size));
    at += size;
  }
  return { iterations: meta.data.iterations, m: parts.slice(0, sizes.length), v: parts.slice(sizes.length) };
}

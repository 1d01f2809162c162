import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types.js';
import { writeDirAtomic } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import { ModelConfigSchema, TrainConfigSchema, describeIssues } from './config.js';
import { Vae } from './vae.js';
import { DataSpecSchema } from '../data/dataset.js';

export const LossSchema = z.object({ total: z.number(), recon: z.number(), kl: z.number() });
export type Loss = z.infer<typeof LossSchema>;

export const EpochRecordSchema = z.object({
  epoch: z.number().int().min(1),
  train: LossSchema,
  test: LossSchema,
  klWeight: z.number(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
  backend: z.string(),
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

export const ManifestSchema = z.object({
  format: z.literal('latent-explorer-model'),
  version: z.literal(1),
  config: ModelConfigSchema,
  training: TrainConfigSchema,
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
  vae: Vae;
  manifest: Manifest;
  /** Adam's state, when it was saved, for continuing training exactly. */
  optimizerWeights: NamedTensor[] | null;
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
async function writeLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
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
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
  await fs.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(weights));
}

/**
 * Saves a model folder atomically: encoder/ and decoder/ in the standard
 * TensorFlow.js Layers format, manifest.json, and Adam's state when given.
 */
export async function saveModel(
  dir: string,
  vae: Vae,
  manifest: Manifest,
  optimizer?: tf.Optimizer,
): Promise<void> {
  const checked = ManifestSchema.parse(manifest);
  const optWeights = optimizer ? await optimizer.getWeights() : [];
  await writeDirAtomic(dir, async (tmp) => {
    await writeLayersModel(vae.encoder, path.join(tmp, 'encoder'));
    await writeLayersModel(vae.decoder, path.join(tmp, 'decoder'));
    if (optWeights.length > 0) {
      const { data, specs } = await tf.io.encodeWeights(optWeights);
      await fs.writeFile(path.join(tmp, 'optimizer.bin'), new Uint8Array(joinWeights(data)));
      await fs.writeFile(path.join(tmp, 'optimizer.json'), JSON.stringify({ specs }));
    }
    await fs.writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(checked, null, 2));
  });
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError('BAD_MODEL', `${file} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`}; this is not a complete model folder.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError('BAD_MODEL', `${file} is not valid JSON.`);
  }
}

async function readBytes(file: string): Promise<ArrayBuffer> {
  try {
    const b = await fs.readFile(file);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch {
    throw new UserError('BAD_MODEL', `${file} is missing or unreadable; this is not a complete model folder.`);
  }
}

/** Loads one Layers model folder with tf.loadLayersModel, through an in-memory handler. */
export async function loadLayersModelDir(dir: string): Promise<tf.LayersModel> {
  const json = (await readJson(path.join(dir, 'model.json'))) as tf.io.ModelJSON;
  const manifest = json?.weightsManifest;
  if (!json?.modelTopology || !Array.isArray(manifest)) {
    throw new UserError('BAD_MODEL', `${path.join(dir, 'model.json')} is not a TensorFlow.js Layers model.`);
  }
  const specs = manifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(manifest.flatMap((g) => g.paths.map((p) => readBytes(path.join(dir, p)))));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
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
  const encoder = await loadLayersModelDir(path.join(dir, 'encoder'));
  const decoder = await loadLayersModelDir(path.join(dir, 'decoder'));
  let vae: Vae;
  try {
    vae = Vae.fromModels(manifest.config, encoder, decoder);
  } catch (err) {
    encoder.dispose();
    decoder.dispose();
    throw err;
  }
  let optimizerWeights: NamedTensor[] | null = null;
  try {
    const spec = (await readJson(path.join(dir, 'optimizer.json'))) as { specs: tf.io.WeightsManifestEntry[] };
    const data = await readBytes(path.join(dir, 'optimizer.bin'));
    const map = tf.io.decodeWeights(data, spec.specs);
    optimizerWeights = spec.specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
  } catch {
    // No optimiser state (an exported or hand-made model): training continues with a fresh Adam.
    optimizerWeights = null;
  }
  return { vae, manifest, optimizerWeights };
}

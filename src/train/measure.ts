import type { NativeConfig } from '../contract/shapes.js';
import { pixelsPerImage, type ImageSet } from '../data/dataset.js';
import { evaluateElbo } from '../latent/evaluate.js';
import { createModel } from '../model/architectures.js';
import { Rng } from '../util/rng.js';
import { AdamStepper } from './stepper.js';

/** What a model costs on this machine: one training step, and one test image evaluated. */
export interface StepCost {
  msPerStep: number;
  msPerTestImage: number;
}

/** Steps taken first and not timed (fresh operators, cold code), timed steps at most, and the time after which no more are taken. */
const WARMUP = 2;
const MAX_STEPS = 10;
const BUDGET_MS = 2000;
const TEST_IMAGES = 500;

/**
 * Measures a model before it is trained, so the time a run will take can be
 * told in advance: a fresh model of this configuration takes Adam steps on a
 * batch of random images (two to warm up, then the median of up to ten, or of
 * two seconds' worth) and evaluates 500 more, as each epoch's test pass does.
 * Everything it made is disposed.
 */
export async function measureStep(config: NativeConfig, batchSize: number): Promise<StepCost> {
  const vae = createModel(config, 0);
  let stepper: AdamStepper | null = null;
  try {
    stepper = await AdamStepper.start(vae, 0.001, null);
    const d = pixelsPerImage(config);
    const rng = new Rng(1);
    const batch = new Float32Array(batchSize * d).map(() => rng.next());
    for (let w = 0; w < WARMUP; w++) stepper.step(batch, batchSize, 1, w + 1);
    // Single steps vary by half again on a busy machine: the median of several is the figure.
    const times: number[] = [];
    const start = performance.now();
    while (times.length < MAX_STEPS && (times.length < 3 || performance.now() - start < BUDGET_MS)) {
      const t = performance.now();
      stepper.step(batch, batchSize, 1, times.length + WARMUP + 1);
      times.push(performance.now() - t);
    }
    const msPerStep = times.sort((a, b) => a - b)[times.length >> 1]!;
    const test: ImageSet = {
      count: TEST_IMAGES,
      height: config.height,
      width: config.width,
      channels: config.channels ?? 1,
      pixels: new Float32Array(TEST_IMAGES * d).map(() => rng.next()),
      labels: null,
    };
    const t = performance.now();
    await evaluateElbo(vae, test);
    return { msPerStep, msPerTestImage: (performance.now() - t) / TEST_IMAGES };
  } finally {
    stepper?.dispose();
    vae.dispose();
  }
}

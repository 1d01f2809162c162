// Run as a child process by test/engine/wasm-threads.test.ts: starts the
// backend as the app does (LATENT_EXPLORER_THREADS from the environment),
// takes a few training steps of a small VAE on fixed data and prints what it
// saw as one JSON line. It ends without process.exit, so a thread that kept
// the process alive would show as a timeout.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.js';
import { createModel } from '../../src/model/architectures.js';
import { DEFAULT_MODEL } from '../../src/contract/defaults.js';
import { AdamStepper } from '../../src/train/stepper.js';
import { Rng } from '../../src/util/rng.js';

const backend = await initBackend();
const vae = createModel({ ...DEFAULT_MODEL, height: 28, width: 28, hidden: [256], latentDim: 4 }, 7);
const stepper = await AdamStepper.start(vae, 0.001, null);
const rng = new Rng(3);
const rows = 64;
const x = new Float32Array(rows * 784).map(() => rng.next());
const losses: number[] = [];
for (let s = 0; s < 5; s++) losses.push(...stepper.step(x, rows, 1, s));
const product = tf.tidy(() => tf.matMul(tf.tensor2d(x, [rows, 784]), tf.tensor2d(x.subarray(0, 784 * 32), [784, 32])).dataSync());
stepper.dispose();
vae.dispose();
console.log(JSON.stringify({ ...backend, losses, product: Array.from(product.subarray(0, 200)), tensors: tf.memory().numTensors }));

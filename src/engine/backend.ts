import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageDir } from '../util/asar.js';

const require = createRequire(import.meta.url);

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The tfjs backend that runs: native TensorFlow, WebAssembly, or plain JS. */
  name: BackendName;
  /** Why a preferred backend was passed over, for display. */
  notes: string[];
}

let current: BackendInfo | null = null;

/**
 * Picks the fastest backend that loads: `@tensorflow/tfjs-node` (an optional
 * dependency whose native library cannot always be installed), then the wasm
 * backend, then plain JS. This is the only file that imports tfjs-node.
 * `LATENT_EXPLORER_BACKEND` (tensorflow | wasm | cpu) forces a choice.
 */
export async function initBackend(): Promise<BackendInfo> {
  if (current) return current;
  const forced = process.env.LATENT_EXPLORER_BACKEND as BackendName | undefined;
  const order: BackendName[] = forced ? [forced] : ['tensorflow', 'wasm', 'cpu'];
  const notes: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // A computed specifier keeps bundlers from trying to resolve a module that may be absent.
        const nodeBackend = '@tensorflow/tfjs-node';
        await import(nodeBackend);
      } else if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        // Its binaries, from outside the asar archive in the packaged app.
        wasm.setWasmPaths(packageDir(require.resolve, '@tensorflow/tfjs-backend-wasm', 'dist') + path.sep);
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        current = { name, notes };
        return current;
      }
      notes.push(`${name}: did not initialise`);
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${notes.join('; ')}).`);
}

/** The backend chosen by `initBackend`, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { packageDir } from '../util/asar.js';
import { MAX_WASM_THREADS, registerThreadedWasm, wasmThreads } from './wasm-threads.js';

const require = createRequire(import.meta.url);

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The tfjs backend that runs: native TensorFlow, WebAssembly, or plain JS. */
  name: BackendName;
  /** Threads its matrix kernels run on (the wasm backend; 1 for the others as far as is known here). */
  threads: number;
  /** For display: the name, and the threads where there are several ("wasm (2 threads)"). */
  label: string;
  /** Why a preferred backend (or more threads) was passed over, for display. */
  notes: string[];
  /** A sentence for the person waiting, when the backend runs slower than it should (the threads did not start); else null. */
  warning: string | null;
}

let current: BackendInfo | null = null;

/**
 * The threads the wasm backend is asked for: `LATENT_EXPLORER_THREADS`
 * (1 to 8) or, by default, every core Node reports, at most 8.
 */
export function requestedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LATENT_EXPLORER_THREADS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
      throw new Error(`LATENT_EXPLORER_THREADS must be a whole number from 1 to ${MAX_WASM_THREADS}; it is "${raw}".`);
    }
    return n;
  }
  return Math.min(os.availableParallelism(), MAX_WASM_THREADS);
}

/**
 * Picks the fastest backend that loads: `@tensorflow/tfjs-node` (an optional
 * dependency whose native library cannot always be installed), then the wasm
 * backend (threaded when more than one thread is asked for and its workers
 * start, else on one thread), then plain JS. This is the only file that
 * imports tfjs-node. `LATENT_EXPLORER_BACKEND` (tensorflow | wasm | cpu)
 * forces a choice; `LATENT_EXPLORER_THREADS` sets the wasm threads.
 */
export async function initBackend(): Promise<BackendInfo> {
  if (current) return current;
  const forced = process.env.LATENT_EXPLORER_BACKEND as BackendName | undefined;
  const order: BackendName[] = forced ? [forced] : ['tensorflow', 'wasm', 'cpu'];
  const notes: string[] = [];
  const threads = requestedThreads();
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // A computed specifier keeps bundlers from trying to resolve a module that may be absent.
        const nodeBackend = '@tensorflow/tfjs-node';
        await import(nodeBackend);
      } else if (name === 'wasm') {
        const wasm = await startWasm(threads, notes);
        if (wasm.started) return (current = describe('wasm', wasmThreads(), notes, wasm.oneThreadBecause));
        notes.push('wasm: did not initialise');
        continue;
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return (current = describe(name, 1, notes, null));
      }
      notes.push(`${name}: did not initialise`);
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${notes.join('; ')}).`);
}

/**
 * The wasm backend on `threads` threads, or on one where the threaded build
 * does not start; `oneThreadBecause` says why it fell back, when it did.
 */
async function startWasm(threads: number, notes: string[]): Promise<{ started: boolean; oneThreadBecause: string | null }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Its binaries, from outside the asar archive in the packaged app.
  wasm.setWasmPaths(packageDir(require.resolve, '@tensorflow/tfjs-backend-wasm', 'dist') + path.sep);
  let oneThreadBecause: string | null = null;
  if (threads > 1) {
    const oneThread = tf.engine().registryFactory.wasm!;
    let reason = 'it did not initialise';
    if (registerThreadedWasm(threads, (why) => (reason = why))) {
      if (await tf.setBackend('wasm').catch(() => false)) {
        await tf.ready();
        return { started: true, oneThreadBecause: null };
      }
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', oneThread.factory, oneThread.priority);
    }
    oneThreadBecause = reason;
    notes.push(`wasm on ${threads} threads: ${reason}, so it runs on one thread`);
  }
  if (!(await tf.setBackend('wasm'))) return { started: false, oneThreadBecause };
  await tf.ready();
  return { started: true, oneThreadBecause };
}

function describe(name: BackendName, threads: number, notes: string[], oneThreadBecause: string | null): BackendInfo {
  const warning = oneThreadBecause ? `The WebAssembly backend runs on one thread (${oneThreadBecause}): training takes about 1.5× as long.` : null;
  return { name, threads, label: threads > 1 ? `${name} (${threads} threads)` : name, notes, warning };
}

/** The backend chosen by `initBackend`, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}

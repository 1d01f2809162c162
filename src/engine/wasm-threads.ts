import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { outsideAsar, packageDir } from '../util/asar.js';

const require = createRequire(import.meta.url);

/** The most threads the threaded build can run: emscripten starts eight workers and XNNPACK uses no more. */
export const MAX_WASM_THREADS = 8;
/** Past this, a threaded start that has not finished (a worker that never loaded) is given up. */
const START_TIMEOUT_MS = 30_000;

/** The emscripten module of the threaded build, as much of it as is used here. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  PThread: { unusedWorkers: { terminate(): unknown }[]; runningWorkers: { unref(): unknown }[] };
  tfjs?: Record<string, unknown>;
}

type ModuleFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

interface WasmImports {
  env: Record<string, unknown>;
}

/**
 * The tfjs wasm backend on its threaded SIMD build, running XNNPACK's
 * matrix kernels on `threads` threads, registered as 'wasm' (so every wasm
 * kernel serves it) in place of the one-thread backend.
 *
 * tfjs turns this build off in Node (tfjs issue 3830) for two reasons, both
 * handled here. Its pthread workers are started from a blob: URL, which
 * Node's worker_threads refuse: here they start from a file
 * (`wasm-pthread.cjs`). And the backend sizes its thread pool from half the
 * logical cores it is told of (assuming two hyper-threads a core), which on a
 * two-core machine is one thread: here it is told of twice the threads asked
 * for, so the pool has exactly that many.
 *
 * The packaged app reads the build's files outside its asar archive
 * (`asarUnpack` in electron-builder.yml), since worker threads start from
 * plain files.
 */
export function registerThreadedWasm(threads: number, onFailure: (reason: string) => void): boolean {
  const wasmPkg = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const dir = packageDir(require.resolve, '@tensorflow/tfjs-backend-wasm', 'wasm-out');
  const glue = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const binaryFile = path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm');
  const worker = outsideAsar(fileURLToPath(new URL('./wasm-pthread.cjs', import.meta.url)));
  // A missing file would surface as an error thrown inside a worker's event handler, which ends the process.
  const files = [glue, binaryFile, path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js'), worker];
  const missing = files.find((f) => !existsSync(f));
  if (missing) {
    onFailure(`${path.basename(missing)} is missing`);
    return false;
  }
  const priority = tf.engine().registryFactory.wasm?.priority ?? 2;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const binary = await readFile(binaryFile);
      const factory = require(glue) as ModuleFactory;
      let timer: NodeJS.Timeout | undefined;
      // Emscripten writes the module's parts onto this object as it builds it.
      const config: Record<string, unknown> & Partial<ThreadedModule> = {
        locateFile: (file: string) => (file.endsWith('.worker.js') ? worker : path.join(dir, file)),
        // What each worker loads before it runs: this build's own script, as a file.
        mainScriptUrlOrBlob: glue,
        instantiateWasm(imports: WasmImports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
          imports.env.emscripten_num_logical_cores = () => 2 * threads;
          WebAssembly.instantiate(binary, imports as unknown as WebAssembly.Imports).then(
            (r) => {
              // Emscripten started eight workers; XNNPACK's pool takes threads − 1 of them (the
              // calling thread is the other), and the rest would only hold memory.
              for (const idle of config.PThread?.unusedWorkers.splice(threads - 1) ?? []) idle.terminate();
              receive(r.instance, r.module);
            },
            () => undefined,
          );
          return {};
        },
      };
      let module: ThreadedModule;
      try {
        module = await Promise.race([
          factory(config),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('its worker threads did not start')), START_TIMEOUT_MS);
          }),
        ]);
      } catch (err) {
        // Workers that started would keep the process alive.
        for (const w of config.PThread?.unusedWorkers.splice(0) ?? []) w.terminate();
        onFailure(err instanceof Error ? err.message.split('\n')[0]! : String(err));
        throw err;
      } finally {
        clearTimeout(timer);
      }
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      wasmPkg.setThreadsCount(threads);
      const backend = new wasmPkg.BackendWasm(module as unknown as ConstructorParameters<typeof wasmPkg.BackendWasm>[0]);
      // XNNPACK's threads wait for work for ever; they must not keep the process from exiting.
      for (const running of module.PThread.runningWorkers) running.unref();
      return backend;
    },
    priority,
  );
  return true;
}

/** The threads XNNPACK runs on in the wasm backend now (1 on the one-thread build). */
export function wasmThreads(): number {
  const wasmPkg = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  return wasmPkg.getThreadsCount();
}

import { Worker } from 'node:worker_threads';

/** Starts a worker thread running a TypeScript module; `data` reaches it as `workerData.data`. */
export function startTsWorker(entry: URL, data: unknown): Worker {
  return new Worker(new URL('./ts-worker-shim.mjs', import.meta.url), {
    workerData: { entry: entry.href, data },
    // The worker prints its own warnings; stdout stays the parent's.
    stdout: false,
    stderr: false,
  });
}

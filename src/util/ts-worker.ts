import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread; `data` reaches it as `workerData.data`. A `.ts`
 * entry runs through a loader shim (source checkouts, tests); a bundled `.mjs`
 * entry (the packaged app) starts directly.
 */
export function startTsWorker(entry: URL, data: unknown): Worker {
  const options = { workerData: { entry: entry.href, data }, stdout: false, stderr: false };
  if (entry.pathname.endsWith('.ts')) return new Worker(new URL('./ts-worker-shim.mjs', import.meta.url), options);
  return new Worker(entry, options);
}

// The helper thread of Adam on the threaded wasm backend: it waits on a
// shared counter, updates the second half of every variable in the backend's
// (shared) memory, and counts the job done. The engine's thread does the
// first half meanwhile. Each new heap buffer (the backend's memory grew)
// arrives as a message before the job that needs it.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { readJob, updateRange } from './adam-update.js';

export interface AdamThreadData {
  /** Int32 [job number (−1: stop), last job done]. */
  control: SharedArrayBuffer;
  job: SharedArrayBuffer;
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
}

const data = (workerData as { data: AdamThreadData }).data;
const control = new Int32Array(data.control);
const job = new Float64Array(data.job);
const m = new Float32Array(data.m);
const v = new Float32Array(data.v);
let heap: Float32Array | null = null;
let seen = 0;
parentPort!.postMessage('ready');
for (;;) {
  Atomics.wait(control, 0, seen);
  const n = Atomics.load(control, 0);
  if (n < 0) break;
  const { step, epsHat, heapBytes, segments } = readJob(job);
  while (!heap || heap.byteLength < heapBytes) {
    const msg = receiveMessageOnPort(parentPort!);
    if (msg) heap = new Float32Array(msg.message as SharedArrayBuffer);
  }
  for (const s of segments) updateRange(heap, m, v, s, step, epsHat);
  seen = n;
  Atomics.store(control, 1, n);
  Atomics.notify(control, 1);
}

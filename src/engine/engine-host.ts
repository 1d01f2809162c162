import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startTsWorker } from '../util/ts-worker.js';
import type { EngineOptions } from './engine-service.js';

/**
 * The engine thread, seen from the thread that owns it. Each UI connection gets
 * its own MessagePort to the engine; the owner relays and does nothing else.
 */
export class EngineHost {
  private constructor(private readonly worker: Worker) {}

  /**
   * Starts the engine thread; `entry` overrides the worker script (the packaged
   * app passes its bundle); `options` reach the engine (its data folder).
   */
  static async start(entry?: URL, options: EngineOptions = {}): Promise<EngineHost> {
    // From sources the thread runs engine-thread.ts; from a bundle, the engine-thread.mjs built beside it.
    const own = new URL(import.meta.url.endsWith('.ts') ? './engine-thread.ts' : './engine-thread.mjs', import.meta.url);
    const worker = startTsWorker(entry ?? own, options);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The engine thread exited (code ${code}) while starting.`)));
    });
    return new EngineHost(worker);
  }

  /** A new connection to the engine: post requests into the returned port. */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ type: 'connect', port: port2 }, [port2]);
    return port1;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

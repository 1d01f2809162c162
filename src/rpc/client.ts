import { methodNames, modelBound, type EventName, type Input, type Method, type Output, type Payload } from '../contract/index.js';
import type { Endpoint, EventMessage, ResponseMessage } from './wire.js';

/** An error the engine answered with: a code for programs, a sentence for people. */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export type ClientMethods = { [M in Method]: (input: Input<M>) => Promise<Output<M>> };

export interface Client extends ClientMethods {
  /** Subscribes to an event; returns an unsubscribe function. */
  on<E extends EventName>(name: E, handler: (payload: Payload<E>) => void): () => void;
  /** Rejects every pending call (the connection is gone). */
  close(reason?: string): void;
  /** Called with error replies the server could not tie to a request (it could not read the message). */
  onUnmatchedError(handler: (error: { code: string; message: string }) => void): void;
}

/**
 * Builds a typed client over an endpoint, one method per contract request
 * (a plain loop over the contract's keys).
 */
export interface ClientOptions {
  /** The model id this client shows: model-bound requests carry it, so the engine can refuse them once another window replaced the model. */
  modelId?: () => number | null;
}

export function createClient(endpoint: Endpoint, opts: ClientOptions = {}): Client {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  let unmatched: (e: { code: string; message: string }) => void = () => undefined;

  endpoint.onMessage((raw) => {
    const msg = raw as ResponseMessage | EventMessage;
    if (msg?.t === 'res' && msg.id === null && !msg.ok) {
      unmatched(msg.error);
    } else if (msg?.t === 'res' && typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new RpcError(msg.error.code, msg.error.message));
    } else if (msg?.t === 'evt') {
      handlers.get(msg.name)?.forEach((h) => h(msg.payload));
    }
  });

  const call = (method: Method, input: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      try {
        const model = modelBound.has(method) ? opts.modelId?.() : null;
        endpoint.send(model === null || model === undefined ? { t: 'req', id, method, input } : { t: 'req', id, method, input, model });
      } catch (err) {
        pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });

  const base = {
    on(name: EventName, handler: (p: unknown) => void) {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name)!.add(handler);
      return () => void handlers.get(name)!.delete(handler);
    },
    onUnmatchedError(handler: (e: { code: string; message: string }) => void) {
      unmatched = handler;
    },
    close(reason = 'The connection to the engine closed.') {
      for (const p of pending.values()) p.reject(new RpcError('DISCONNECTED', reason));
      pending.clear();
    },
  };
  const methods: Record<string, (i: unknown) => Promise<unknown>> = {};
  for (const name of methodNames) methods[name] = (input: unknown) => call(name, input);
  return { ...base, ...methods } as unknown as Client;
}

/**
 * Wraps an async function so that only the newest call's answer is delivered:
 * when calls overlap, older answers resolve to `undefined` instead. Used for
 * decoding while the user drags, where stale images must never win.
 */
export function latestOnly<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  let generation = 0;
  return async (...args: A) => {
    const mine = ++generation;
    const result = await fn(...args);
    return mine === generation ? result : undefined;
  };
}

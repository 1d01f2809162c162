import type { Endpoint, WireMessage } from './wire.js';

/**
 * Two linked endpoints in one process. Messages are structured-cloned and
 * delivered asynchronously, as a real transport would.
 */
export function memoryPair(): [Endpoint, Endpoint] {
  const handlers: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()];
  const make = (self: 0 | 1): Endpoint => ({
    send(message: WireMessage) {
      const copy = structuredClone(message);
      queueMicrotask(() => handlers[1 - self]!.forEach((h) => h(copy)));
    },
    onMessage(handler) {
      handlers[self]!.add(handler);
      return () => handlers[self]!.delete(handler);
    },
  });
  return [make(0), make(1)];
}

import type { Endpoint, WireMessage } from './wire.js';

/** What a Node MessagePort (worker_threads, or Electron's MessagePortMain) offers. */
export interface NodePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  off(event: 'message', listener: (data: unknown) => void): unknown;
}

/** An endpoint over a Node MessagePort: structured clone carries typed arrays as they are. */
export function nodePortEndpoint(port: NodePortLike): Endpoint {
  return {
    send(message: WireMessage) {
      port.postMessage(message);
    },
    onMessage(handler) {
      const l = (data: unknown) => handler(data);
      port.on('message', l);
      return () => void port.off('message', l);
    },
  };
}

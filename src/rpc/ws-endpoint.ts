import { decodeReply, encodeMessage } from './codec.js';
import type { Endpoint, WireMessage } from './wire.js';

/** The part of a WebSocket (the browser's, or the `ws` package's) that an endpoint needs. */
export interface SocketLike {
  binaryType: string;
  send(data: Uint8Array): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}

/** A client endpoint over a WebSocket: MessagePack frames, typed arrays as binary. */
export function socketEndpoint(socket: SocketLike): Endpoint {
  socket.binaryType = 'arraybuffer';
  return {
    send(message: WireMessage) {
      socket.send(encodeMessage(message));
    },
    onMessage(handler) {
      const l = (e: { data: unknown }) => {
        if (e.data instanceof ArrayBuffer) handler(decodeReply(new Uint8Array(e.data)));
      };
      socket.addEventListener('message', l);
      return () => socket.removeEventListener('message', l);
    },
  };
}

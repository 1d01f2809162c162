import { decodeMessage, encodeMessage } from '../../src/rpc/codec.js';

// Stands in for Electron's preload inside a plain page, so the renderer runs its
// desktop path (the IPC transport and the native folder dialogs) in Chromium:
// messages are copied as contextBridge copies them and carried over the browser
// mode's WebSocket; folder dialogs answer from a queue the test fills.
const url = new URL('rpc', location.href);
url.protocol = 'ws:';
const socket = new WebSocket(url);
socket.binaryType = 'arraybuffer';
const unsent: Uint8Array[] = [];
socket.addEventListener('open', () => unsent.splice(0).forEach((b) => socket.send(b)));

const dialogs = { answers: [] as Array<string | null | { error: string }>, requests: [] as unknown[] };

Object.assign(window, {
  latentExplorer: {
    send(message: unknown): void {
      const bytes = encodeMessage(structuredClone(message));
      if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
      else unsent.push(bytes);
    },
    onMessage(handler: (message: unknown) => void): () => void {
      const l = (e: MessageEvent) => e.data instanceof ArrayBuffer && handler(decodeMessage(new Uint8Array(e.data)));
      socket.addEventListener('message', l);
      return () => socket.removeEventListener('message', l);
    },
    async choosePath(request: unknown): Promise<string | null> {
      dialogs.requests.push(structuredClone(request));
      const answer = dialogs.answers.shift() ?? null;
      if (answer !== null && typeof answer === 'object') throw new Error(answer.error);
      return answer;
    },
  },
  desktopDialogs: dialogs,
});

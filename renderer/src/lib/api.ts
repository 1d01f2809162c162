import { getContext, setContext } from 'svelte';
import { createClient, type Client } from '../../../src/rpc/client.js';
import { socketEndpoint, type SocketLike } from '../../../src/rpc/ws-endpoint.js';
import type { Endpoint, WireMessage } from '../../../src/rpc/wire.js';
import type { PathPicker, PathRequest } from '../../../src/contract/desktop.js';

export type { PathPicker, PathRequest };

/** What Electron's preload exposes: the one engine channel and native dialogs, nothing else. */
interface DesktopBridge {
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): () => void;
  choosePath(request: PathRequest): Promise<string | null>;
}

declare global {
  interface Window {
    latentExplorer?: DesktopBridge;
  }
}

function desktopEndpoint(bridge: DesktopBridge): Endpoint {
  return {
    send(message: WireMessage) {
      bridge.send(message);
    },
    onMessage(handler) {
      return bridge.onMessage(handler);
    },
  };
}

export type Transport = 'electron' | 'websocket';

/**
 * Connects to the engine: through the Electron preload's channel when there
 * is one, else over a WebSocket to the server that served this page.
 */
export async function connect(onClose: (reason: string) => void): Promise<{ client: Client; transport: Transport; dialogs: PathPicker | null }> {
  const bridge = window.latentExplorer;
  if (bridge) {
    return { client: createClient(desktopEndpoint(bridge)), transport: 'electron', dialogs: (r) => bridge.choosePath(r) };
  }
  const url = new URL('rpc', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`Cannot reach the engine at ${url}.`)), { once: true });
  });
  const client = createClient(socketEndpoint(socket as unknown as SocketLike));
  socket.addEventListener('close', () => {
    client.close('The connection to the engine closed.');
    onClose('The connection to the engine closed. Restart the server and reload this page.');
  });
  // In the browser mode the engine's folders are on the server's machine, which
  // no dialog of this page can browse: the user types the path instead.
  return { client, transport: 'websocket', dialogs: null };
}

/** The context key under which the engine client reaches components (a test can hand in a fake). */
export const API_CONTEXT = Symbol('latent-explorer-api');

/** The context key of the native dialogs (the desktop app only; null in the browser mode). */
export const DIALOGS_CONTEXT = Symbol('latent-explorer-dialogs');

export function setApi(client: Client): void {
  setContext(API_CONTEXT, client);
}

export function getPathPicker(): PathPicker | null {
  return getContext<PathPicker | null | undefined>(DIALOGS_CONTEXT) ?? null;
}

export function getApi(): Client {
  const client = getContext<Client | undefined>(API_CONTEXT);
  if (!client) throw new Error('No engine client in context.');
  return client;
}

import { getContext, setContext } from 'svelte';
import { createClient, type Client } from '../../../src/rpc/client.js';
import { reconnectingEndpoint, type Link, type LiveSocket } from '../../../src/rpc/reconnecting-endpoint.js';
import type { Endpoint, WireMessage } from '../../../src/rpc/wire.js';
import type { PathPicker, PathRequest } from '../../../src/contract/desktop.js';

export type { PathPicker, PathRequest, Link };

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

/**
 * The model this window shows. Model-bound requests carry it, so the engine
 * refuses them once another window has replaced the model; the app state
 * keeps it current.
 */
export interface ModelTag {
  current: number | null;
}

export type Transport = 'electron' | 'websocket';

export interface Connection {
  client: Client;
  transport: Transport;
  dialogs: PathPicker | null;
  /** The WebSocket's state in the browser mode (it reconnects by itself); null on the desktop. */
  link: Link | null;
  modelTag: ModelTag;
}

/**
 * Connects to the engine: through the Electron preload's channel when there
 * is one, else over a WebSocket to the server that served this page, which
 * is opened again whenever it drops.
 */
export async function connect(): Promise<Connection> {
  const modelTag: ModelTag = { current: null };
  const bridge = window.latentExplorer;
  if (bridge) {
    const client = createClient(desktopEndpoint(bridge), { modelId: () => modelTag.current });
    return { client, transport: 'electron', dialogs: (r) => bridge.choosePath(r), link: null, modelTag };
  }
  const url = new URL('rpc', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const endpoint = reconnectingEndpoint({ open: () => new WebSocket(url) as unknown as LiveSocket });
  const client = createClient(endpoint, { modelId: () => modelTag.current });
  endpoint.onStatus((s) => {
    // The engine that held the pending requests is gone (or will not answer on a new socket).
    if (s.state === 'lost' && s.failures === 0) client.close('The connection to the engine was lost before it answered.');
  });
  try {
    await endpoint.opened;
  } catch {
    throw new Error(`Cannot reach the engine at ${url.origin}${url.pathname}.`);
  }
  // In the browser mode the engine's folders are on the server's machine, which
  // no dialog of this page can browse: the user types the path instead.
  return { client, transport: 'websocket', dialogs: null, link: endpoint, modelTag };
}

/** The context key under which the engine client reaches components (a test can hand in a fake). */
export const API_CONTEXT = Symbol('latent-explorer-api');

/** The context key of the native dialogs (the desktop app only; null in the browser mode). */
export const DIALOGS_CONTEXT = Symbol('latent-explorer-dialogs');

/** The context key of the connection's state (the browser mode only) and the window's model tag. */
export const LINK_CONTEXT = Symbol('latent-explorer-link');
export const MODEL_TAG_CONTEXT = Symbol('latent-explorer-model-tag');

/** The context a mounted app needs, from one connection. */
export function appContext(c: Connection): Map<symbol, unknown> {
  return new Map<symbol, unknown>([
    [API_CONTEXT, c.client],
    [DIALOGS_CONTEXT, c.dialogs],
    [LINK_CONTEXT, c.link],
    [MODEL_TAG_CONTEXT, c.modelTag],
  ]);
}

export function setApi(client: Client): void {
  setContext(API_CONTEXT, client);
}

export function getPathPicker(): PathPicker | null {
  return getContext<PathPicker | null | undefined>(DIALOGS_CONTEXT) ?? null;
}

export function getLink(): Link | null {
  return getContext<Link | null | undefined>(LINK_CONTEXT) ?? null;
}

/** The window's model tag; a fresh one when the mounter gave none (a test with a fake client). */
export function getModelTag(): ModelTag {
  return getContext<ModelTag | undefined>(MODEL_TAG_CONTEXT) ?? { current: null };
}

export function getApi(): Client {
  const client = getContext<Client | undefined>(API_CONTEXT);
  if (!client) throw new Error('No engine client in context.');
  return client;
}

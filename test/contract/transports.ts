import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { createClient, type Client } from '../../src/rpc/client.js';
import { RpcServer } from '../../src/rpc/rpc-server.js';
import { memoryPair } from '../../src/rpc/memory.js';
import { nodePortEndpoint } from '../../src/rpc/port.js';
import { socketEndpoint, type SocketLike } from '../../src/rpc/ws-endpoint.js';
import { encodeMessage } from '../../src/rpc/codec.js';
import { createEngine } from '../../src/engine/engine-service.js';
import { EngineHost } from '../../src/engine/engine-host.js';
import { serve } from '../../src/web/web-server.js';
import type { Endpoint, WireMessage } from '../../src/rpc/wire.js';
import { tempDir } from '../helpers/fixtures.js';
import { bridgeIpc, RPC_CHANNEL, type IpcEventLike, type IpcMainLike } from '../../electron/bridge.js';

/** A connected client, a way to send raw (possibly malformed) messages, and a teardown. */
export interface Connection {
  client: Client;
  /** Sends a message past the client's typing; replies arrive in `raw`. */
  sendRaw(message: unknown): void;
  raw: unknown[];
  close(): Promise<void>;
}

function withRaw(endpoint: Endpoint, sendRaw: (m: unknown) => void, close: () => Promise<void>): Connection {
  const raw: unknown[] = [];
  endpoint.onMessage((m) => raw.push(m));
  return { client: createClient(endpoint), sendRaw, raw, close };
}

export async function inMemory(): Promise<Connection> {
  let server: RpcServer | null = null;
  const service = createEngine((n, p) => server?.emit(n, p), { dataDir: tempDir('le-data-') });
  server = new RpcServer(service, { currentModel: () => service.currentModelId() });
  await service.init();
  const [a, b] = memoryPair();
  server.attach(b);
  return withRaw(
    a,
    (m) => a.send(m as WireMessage),
    async () => undefined,
  );
}

export async function workerPort(): Promise<Connection> {
  const host = await EngineHost.start(undefined, { dataDir: tempDir('le-data-') });
  const port = host.connect();
  const ep = nodePortEndpoint(port);
  return withRaw(
    ep,
    (m) => port.postMessage(m),
    async () => {
      port.close();
      await host.close();
    },
  );
}

export async function webSocket(): Promise<Connection & { sendText(s: string): void }> {
  const dir = tempDir('le-static-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const server = await serve({ port: 0, host: '127.0.0.1', staticDir: dir, dataDir: tempDir('le-data-') });
  const ws = new WebSocket(server.rpcUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const ep = socketEndpoint(ws as unknown as SocketLike);
  const conn = withRaw(
    ep,
    (m) => ws.send(encodeMessage(m)),
    async () => {
      ws.close();
      await server.close();
    },
  );
  return { ...conn, sendText: (s: string) => ws.send(s) };
}

/**
 * The Electron path without Electron: the real bridge between a stand-in for
 * ipcMain and the engine thread, with messages structured-cloned as Electron's
 * IPC does. The sender is the trusted window.
 */
export async function electronIpc(): Promise<Connection> {
  const host = await EngineHost.start(undefined, { dataDir: tempDir('le-data-') });
  let listener: ((e: IpcEventLike, m: unknown) => void) | null = null;
  const ipc: IpcMainLike = { on: (_c, l) => (listener = l), removeListener: () => (listener = null) };
  const toRenderer = new Set<(m: unknown) => void>();
  const event: IpcEventLike = {
    sender: { id: 1, send: (ch, m) => ch === RPC_CHANNEL && toRenderer.forEach((h) => h(structuredClone(m))) },
    senderFrame: { url: 'file:///app/dist/renderer/index.html' },
  };
  const stop = bridgeIpc(ipc, { isTrusted: (e) => e.sender.id === 1, connect: () => host.connect() });
  const endpoint: Endpoint = {
    send: (m) => listener?.(event, structuredClone(m)),
    onMessage: (h) => {
      toRenderer.add(h);
      return () => toRenderer.delete(h);
    },
  };
  return withRaw(
    endpoint,
    (m) => listener?.(event, m),
    async () => {
      stop();
      await host.close();
    },
  );
}

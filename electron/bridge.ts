import type { NodePortLike } from '../src/rpc/port.js';
import { RPC_CHANNEL } from './channels.js';

export { RPC_CHANNEL };

/** What the bridge needs of an IPC event (Electron's IpcMainEvent, or a test's fake). */
export interface IpcEventLike {
  sender: { id: number; send(channel: string, message: unknown): void; isDestroyed?(): boolean; once?(event: 'destroyed', fn: () => void): void };
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, message: unknown) => void): unknown;
}

export interface BridgeOptions {
  /** Whether this sender may talk to the engine: the app's own window, showing the app's own page. */
  isTrusted(event: IpcEventLike): boolean;
  /** A new connection to the engine (one per window). */
  connect(): NodePortLike & { close(): void };
  /** Told about every message refused, for the log. */
  onRefused?(reason: string): void;
}

/**
 * Relays the renderer's RPC messages to the engine and the answers back, after
 * checking the sender of every single message. The engine validates the
 * messages themselves; the bridge only decides who may send them.
 */
export function bridgeIpc(ipcMain: IpcMainLike, opts: BridgeOptions): () => void {
  const links = new Map<number, NodePortLike & { close(): void }>();
  const listener = (event: IpcEventLike, message: unknown) => {
    if (!opts.isTrusted(event)) {
      opts.onRefused?.(`refused a message from webContents ${event.sender.id} (${event.senderFrame?.url ?? 'no frame'})`);
      return;
    }
    let link = links.get(event.sender.id);
    if (!link) {
      const port = opts.connect();
      const sender = event.sender;
      port.on('message', (reply) => {
        if (!sender.isDestroyed?.()) sender.send(RPC_CHANNEL, reply);
      });
      links.set(sender.id, port);
      sender.once?.('destroyed', () => {
        port.close();
        links.delete(sender.id);
      });
      link = port;
    }
    link.postMessage(message);
  };
  ipcMain.on(RPC_CHANNEL, listener);
  return () => {
    ipcMain.removeListener(RPC_CHANNEL, listener);
    for (const port of links.values()) port.close();
    links.clear();
  };
}

/**
 * True when `url` is the app's own page: the built index.html on disk, or the
 * development server's origin when one is given.
 */
export function isAppUrl(url: string, indexFileUrl: string, devOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devOrigin) return parsed.origin === new URL(devOrigin).origin;
  const index = new URL(indexFileUrl);
  return parsed.protocol === 'file:' && parsed.pathname === index.pathname;
}

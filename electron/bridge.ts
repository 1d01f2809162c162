import type { NodePortLike } from '../src/rpc/port.js';
import type { ResponseMessage } from '../src/rpc/wire.js';
import { RPC_CHANNEL } from './channels.js';
import { refuseUngrantedWrite, WriteGrants } from './write-grants.js';

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
  /**
   * The folders the native dialogs granted for saving, shared with the dialog
   * handler. Without it no folder is granted, so every saveModel is refused.
   */
  grants?: WriteGrants;
  /** Told about every message refused or that could not be relayed, for the log. */
  onRefused?(reason: string): void;
}

type Sender = IpcEventLike['sender'];

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function requestId(message: unknown): number | null {
  try {
    const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
    return typeof id === 'number' && Number.isInteger(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * Relays the renderer's RPC messages to the engine and the answers back, after
 * checking the sender of every single message. The engine validates the
 * messages themselves; the bridge decides who may send them, and refuses
 * itself a save to a folder no native dialog granted. Nothing a message holds
 * can throw out of the IPC listener.
 */
export function bridgeIpc(ipcMain: IpcMainLike, opts: BridgeOptions): () => void {
  const grants = opts.grants ?? new WriteGrants();
  const links = new Map<number, NodePortLike & { close(): void }>();
  const log = (reason: string) => opts.onRefused?.(reason);

  const send = (sender: Sender, message: unknown) => {
    try {
      if (!sender.isDestroyed?.()) sender.send(RPC_CHANNEL, message);
    } catch (err) {
      log(`could not answer webContents ${sender.id}: ${describe(err)}`);
    }
  };

  const linkFor = (sender: Sender) => {
    let link = links.get(sender.id);
    if (!link) {
      const port = opts.connect();
      port.on('message', (reply) => send(sender, reply));
      links.set(sender.id, port);
      sender.once?.('destroyed', () => {
        port.close();
        links.delete(sender.id);
      });
      link = port;
    }
    return link;
  };

  const listener = (event: IpcEventLike, message: unknown) => {
    let sender: Sender | null = null;
    try {
      sender = event.sender;
      if (!opts.isTrusted(event)) {
        log(`refused a message from webContents ${sender.id} (${event.senderFrame?.url ?? 'no frame'})`);
        return;
      }
      const refusal = refuseUngrantedWrite(message, grants);
      if (refusal) {
        log(`refused a save to a folder no dialog granted (webContents ${sender.id})`);
        send(sender, refusal);
        return;
      }
      linkFor(sender).postMessage(message);
    } catch (err) {
      log(`could not relay a message${sender ? ` from webContents ${sender.id}` : ''}: ${describe(err)}`);
      const id = requestId(message);
      if (sender && id !== null) {
        const answer: ResponseMessage = {
          t: 'res',
          id,
          ok: false,
          error: { code: 'INTERNAL', message: 'The app could not pass this request to the engine. Try again; restart the app if it keeps happening.' },
        };
        send(sender, answer);
      }
    }
  };
  ipcMain.on(RPC_CHANNEL, listener);
  return () => {
    ipcMain.removeListener(RPC_CHANNEL, listener);
    for (const port of links.values()) {
      try {
        port.close();
      } catch (err) {
        log(`could not close a link to the engine: ${describe(err)}`);
      }
    }
    links.clear();
  };
}

import { RpcError } from './client.js';
import type { Endpoint, WireMessage } from './wire.js';
import { socketEndpoint, type SocketLike } from './ws-endpoint.js';

/** A WebSocket (the browser's, or the `ws` package's) with the lifecycle a reconnecting endpoint watches. */
export interface LiveSocket extends SocketLike {
  readonly readyState: number;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  close(): void;
}

/** Where the link stands: `failures` counts the tries that failed since it was lost. */
export interface LinkStatus {
  state: 'open' | 'lost';
  failures: number;
}

export interface Link {
  status(): LinkStatus;
  /** Called at every change: lost, each failed try, open again. Returns an unsubscribe function. */
  onStatus(handler: (status: LinkStatus) => void): () => void;
}

export interface ReconnectingEndpoint extends Endpoint, Link {
  /** Settles with the first connection: rejects when it cannot be made (there is nothing to reconnect to). */
  readonly opened: Promise<void>;
  /** Closes the socket and stops trying. */
  close(): void;
}

export interface ReconnectOptions {
  /** Opens a new socket (a new one for every try). */
  open: () => LiveSocket;
  /** The wait before the first try after a loss; it doubles after every failed try. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Schedules a try; returns a function that cancels it (tests pass their own clock). */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const OPEN = 1;

/**
 * An endpoint over a WebSocket that opens a new one whenever the connection
 * drops, waiting 0.5 s, then twice as long after each failed try, at most 5 s,
 * for as long as it lives. Message handlers carry over to every new socket, so
 * one Client works across reconnections. While no socket is open, `send`
 * throws DISCONNECTED; requests that were pending at the drop are the
 * client's to reject (see `Client.close`), as only it knows them.
 */
export function reconnectingEndpoint(opts: ReconnectOptions): ReconnectingEndpoint {
  const first = opts.firstDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 5000;
  const schedule =
    opts.schedule ??
    ((fn, ms) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  const handlers = new Set<(message: unknown) => void>();
  const watchers = new Set<(status: LinkStatus) => void>();
  let current: { socket: LiveSocket; endpoint: Endpoint } | null = null;
  let status: LinkStatus = { state: 'lost', failures: 0 };
  let everOpened = false;
  let closed = false;
  let cancelRetry: (() => void) | null = null;
  let settleFirst: { resolve: () => void; reject: (e: Error) => void } | null = null;
  const opened = new Promise<void>((resolve, reject) => (settleFirst = { resolve, reject }));

  const tell = (next: LinkStatus) => {
    status = next;
    for (const w of [...watchers]) w(next);
  };

  const retryLater = () => {
    const delay = Math.min(max, first * 2 ** status.failures);
    cancelRetry = schedule(() => {
      cancelRetry = null;
      attempt();
    }, delay);
  };

  function attempt(): void {
    if (closed) return;
    const socket = opts.open();
    const endpoint = socketEndpoint(socket);
    let isOpen = false;
    endpoint.onMessage((m) => {
      if (current?.socket === socket) for (const h of [...handlers]) h(m);
    });
    // Without a listener the `ws` package throws its 'error' event; 'close' follows it and says enough.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('open', () => {
      if (closed) return socket.close();
      isOpen = true;
      everOpened = true;
      current = { socket, endpoint };
      settleFirst?.resolve();
      settleFirst = null;
      tell({ state: 'open', failures: 0 });
    });
    socket.addEventListener('close', () => {
      if (current?.socket === socket) current = null;
      if (closed) return;
      if (!everOpened) {
        settleFirst?.reject(new Error('Cannot reach the engine.'));
        settleFirst = null;
        return;
      }
      tell({ state: 'lost', failures: isOpen ? 0 : status.failures + 1 });
      retryLater();
    });
  }

  attempt();

  return {
    opened,
    send(message: WireMessage) {
      if (!current || current.socket.readyState !== OPEN) {
        throw new RpcError('DISCONNECTED', 'The connection to the engine is lost; reconnecting…');
      }
      current.endpoint.send(message);
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    status: () => status,
    onStatus(handler) {
      watchers.add(handler);
      return () => void watchers.delete(handler);
    },
    close() {
      closed = true;
      cancelRetry?.();
      cancelRetry = null;
      current?.socket.close();
      current = null;
    },
  };
}

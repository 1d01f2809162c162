import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { decodeReply, encodeMessage } from '../../src/rpc/codec.js';

/** A reply as it crosses the wire, before anyone trusts it. */
export interface Reply {
  t: 'res';
  id: number | null;
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

export interface Evt {
  t: 'evt';
  name: string;
  payload: unknown;
}

function isReply(m: unknown): m is Reply {
  return typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'res';
}

function isEvt(m: unknown): m is Evt {
  return typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'evt';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A WebSocket client that speaks the envelope by hand: it sends whatever it is
 * given (valid or not) and keeps every reply and event, in arrival order.
 */
export class WireClient {
  readonly replies: Reply[] = [];
  readonly events: Evt[] = [];
  /** Everything that arrived, replies and events interleaved. */
  readonly received: unknown[] = [];
  closeCode: number | null = null;
  private nextId = 1_000_000;
  private readonly closedPromise: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const msg: unknown = isBinary ? decodeReply(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) : JSON.parse(data.toString('utf8'));
      this.received.push(msg);
      if (isReply(msg)) this.replies.push(msg);
      else if (isEvt(msg)) this.events.push(msg);
    });
    ws.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      ws.once('close', (code: number) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  /** Opens a connection, or rejects with the HTTP status the upgrade got. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new WireClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => {
        res.resume();
        req.destroy();
        reject(new Error(`upgrade refused with ${res.statusCode}`));
      });
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  sendBinary(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  sendText(text: string): void {
    this.ws.send(text, { binary: false });
  }

  send(message: unknown): void {
    this.sendBinary(encodeMessage(message));
  }

  /** Waits (at most `timeoutMs`) until `pick` returns something. */
  async waitFor<T>(pick: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = pick();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
      if (this.closeCode !== null) throw new Error(`the connection closed (${this.closeCode}) while waiting for ${what}`);
      await sleep(10);
    }
  }

  /** The reply with this id, once it came. */
  reply(id: number | null, timeoutMs?: number): Promise<Reply> {
    return this.waitFor(() => this.replies.find((r) => r.id === id), `the reply to ${id}`, timeoutMs);
  }

  /** The next reply after the `seen` first ones. */
  replyAfter(seen: number, timeoutMs?: number): Promise<Reply> {
    return this.waitFor(() => this.replies[seen], `reply number ${seen + 1}`, timeoutMs);
  }

  /** Sends a request and waits for its reply. */
  async request(method: string, input: unknown, opts: { model?: number; timeoutMs?: number } = {}): Promise<Reply> {
    const id = this.nextId++;
    this.send(opts.model === undefined ? { t: 'req', id, method, input } : { t: 'req', id, method, input, model: opts.model });
    return this.reply(id, opts.timeoutMs);
  }

  /** A request that must succeed; returns its value. */
  async call(method: string, input: unknown, opts: { model?: number; timeoutMs?: number } = {}): Promise<unknown> {
    const r = await this.request(method, input, opts);
    if (!r.ok) throw new Error(`${method} failed: ${r.error?.code} ${r.error?.message}`);
    return r.value;
  }

  /** Resolves with the close code, or rejects after `timeoutMs`. */
  closed(timeoutMs = 15_000): Promise<number> {
    return Promise.race([this.closedPromise, sleep(timeoutMs).then(() => Promise.reject(new Error(`the connection stayed open for ${timeoutMs} ms`)))]);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed().catch(() => undefined);
  }
}

/** What a WebSocket upgrade came to: opened (101) or refused with a status. */
export type UpgradeOutcome = { opened: true } | { opened: false; status: number };

/** Tries an upgrade with the `ws` client (which sends an Origin only when told to), and closes what opens. */
export function tryOpen(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('error', () => undefined);
    ws.once('open', () => {
      ws.terminate();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      resolve({ opened: false, status: res.statusCode ?? 0 });
    });
    ws.once('error', (err) => reject(err));
  });
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A GET with exactly the headers given: the Host header is ours to forge
 * (Node adds none of its own with setHost: false).
 */
export function httpGet(port: number, pathAndQuery: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, method: 'GET', headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade by plain HTTP with exactly the headers given: 101, or the refusal's status. */
export function rawUpgrade(port: number, pathAndQuery: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: pathAndQuery,
      method: 'GET',
      setHost: false,
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', reject);
    req.end();
  });
}

/** A client-to-server WebSocket frame (the last of its message unless `fin` is false), masked as RFC 6455 requires of clients. */
export function maskedFrame(payload: Uint8Array, opcode = 0x2, fin = true): Buffer {
  const len = payload.length;
  const first = (fin ? 0x80 : 0) | opcode;
  let head: Buffer;
  if (len < 126) {
    head = Buffer.from([first, 0x80 | len]);
  } else if (len < 65536) {
    head = Buffer.from([first, 0x80 | 126, 0, 0]);
    head.writeUInt16BE(len, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}

/**
 * A TCP socket that completed the WebSocket handshake by hand and then stopped
 * reading: whatever the server sends piles up in the kernel and then in the
 * server's own buffers.
 */
export function deafSocket(port: number, token: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      socket.setTimeout(0);
      if (!seen.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`handshake refused: ${seen.slice(0, end)}`));
        return;
      }
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('connect', () => {
      socket.write(
        `GET /rpc?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
    });
    socket.setTimeout(15_000, () => {
      socket.destroy();
      reject(new Error('no handshake in 15 s'));
    });
  });
}

/** MessagePack pieces, for frames the encoder would refuse to build. */
export const pack = {
  /** `{t:'req', id, method, input: <raw bytes>}` with the input spliced in as given. */
  envelope(id: number, method: string, input: Uint8Array): Uint8Array {
    const parts = [
      Uint8Array.of(0x84),
      encodeMessage('t'),
      encodeMessage('req'),
      encodeMessage('id'),
      encodeMessage(id),
      encodeMessage('method'),
      encodeMessage(method),
      encodeMessage('input'),
      input,
    ];
    return Buffer.concat(parts);
  },
  /** `depth` one-element arrays around nil. */
  deepArray(depth: number): Uint8Array {
    const b = Buffer.alloc(depth + 1, 0x91);
    b[depth] = 0xc0;
    return b;
  },
  /** `depth` one-entry maps `{a: …}` around nil. */
  deepMap(depth: number): Uint8Array {
    const b = Buffer.alloc(depth * 3 + 1);
    for (let i = 0; i < depth; i++) b.set([0x81, 0xa1, 0x61], i * 3);
    b[depth * 3] = 0xc0;
    return b;
  },
  /** A header byte followed by a 32-bit length of 0xffffffff (4 GiB), and no body. */
  huge(head: number, trailer: number[] = []): Uint8Array {
    return Uint8Array.of(head, 0xff, 0xff, 0xff, 0xff, ...trailer);
  },
};

/**
 * Writes `frames` on a socket fresh from `deafSocket`, then reads until the
 * server closes it; returns the status code of the close frame it sent (or
 * null when it sent none). Gives up after 15 s.
 */
export async function closeCodeAfter(socket: net.Socket, frames: Buffer[]): Promise<number | null> {
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.resume();
  for (const f of frames) socket.write(f);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the server left the connection open for 15 s')), 15_000);
  });
  try {
    await Promise.race([ended, late]);
  } finally {
    clearTimeout(timer);
  }
  const reply = Buffer.concat(chunks);
  return reply.length >= 4 && reply[0] === 0x88 ? reply.readUInt16BE(2) : null;
}

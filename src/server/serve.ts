import http from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { EngineHost } from '../engine/host.js';
import { decodeMessage, encodeMessage } from '../rpc/codec.js';
import type { ResponseMessage } from '../rpc/wire.js';
import { UserError } from '../util/errors.js';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
/** Frames above this are refused by the socket itself; the RPC server has its own, lower, input limit. */
const MAX_FRAME = 64 * 1024 * 1024;

export interface ServeOptions {
  port: number;
  host: string;
  staticDir?: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Relays one WebSocket to its own engine port. Binary frames are MessagePack;
 * text frames are JSON (handy for poking at the API). A frame that does not
 * decode gets an error reply and the socket stays open.
 */
function relay(ws: WebSocket, engine: EngineHost): void {
  const port = engine.connect();
  const sendBack = (msg: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(msg));
  };
  port.on('message', sendBack);
  ws.on('message', (data, isBinary) => {
    let msg: unknown;
    try {
      msg = isBinary ? decodeMessage(toBytes(data)) : JSON.parse(Buffer.from(toBytes(data)).toString('utf8'));
    } catch {
      const reply: ResponseMessage = {
        t: 'res', id: null, ok: false,
        error: { code: 'BAD_REQUEST', message: isBinary ? 'The message is not valid MessagePack.' : 'The message is not valid JSON.' },
      };
      sendBack(reply);
      return;
    }
    port.postMessage(msg);
  });
  ws.on('close', () => port.close());
}

/** Serves the built renderer and the engine (over a WebSocket at /rpc) on one port. */
export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const staticDir = opts.staticDir ?? RENDERER_DIR;
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new UserError('NOT_FOUND', `The user interface is not built (${staticDir} has no index.html); run "npm run build" first.`);
  }
  const engine = await EngineHost.start();
  const files = sirv(staticDir, { single: true, etag: true });
  const server = http.createServer((req, res) => files(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  }));
  const wss = new WebSocketServer({ server, path: '/rpc', maxPayload: MAX_FRAME });
  wss.on('connection', (ws) => relay(ws, engine));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UserError('BAD_CONFIG', `Cannot listen on ${opts.host}:${opts.port} (${err.code ?? err.message}).`)),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/`,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
      await engine.close();
    },
  };
}

import http from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { EngineHost } from '../engine/engine-host.js';
import { MAX_REQUEST_BYTES } from '../contract/limits.js';
import { UserError } from '../contract/errors.js';
import { accessPolicy, hostAllowed, isLoopback, newToken, originAllowed, sameToken, setCookieHeader, startUrl, tokenOf, type AccessPolicy } from './access.js';
import { relay } from './relay.js';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/** The browser mode's own Content-Security-Policy: `connect-src 'self'` covers its WebSocket. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface ServeOptions {
  port: number;
  host: string;
  staticDir?: string;
  /** A fixed token for scripts; a random one at every start when absent. */
  token?: string;
  /** Further names the server answers to on any port (a TLS proxy's public name). */
  allowHosts?: string[];
  /** The engine's per-user data folder (the autosave); the platform's own by default. */
  dataDir?: string;
  /** Where refused requests and closed clients are told (stderr by default). */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The address to open, token included. */
  url: string;
  /** The server's own origin, without the token. */
  origin: string;
  token: string;
  port: number;
  /** Where a script connects to the engine: the WebSocket address, token included. */
  rpcUrl: string;
  close(): Promise<void>;
}

function refuse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** The request's path and query, or null when its target is not a plain path (absolute-form, garbage). */
function requestUrl(req: http.IncomingMessage): URL | null {
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://server');
  } catch {
    return null;
  }
}

const NO_TOKEN =
  'Latent Explorer needs its access token. Open the address the server printed when it started (it ends in ?token=…), ' + 'or restart it to get a new one.';

/** Serves the built renderer and the engine (over a WebSocket at /rpc) on one port, to those who hold the token. */
export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const staticDir = opts.staticDir ?? RENDERER_DIR;
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new UserError('NOT_FOUND', `The user interface is not built (${staticDir} has no index.html); run "npm run build" first.`);
  }
  const log = opts.log ?? ((line: string) => process.stderr.write(`latent-explorer serve: ${line}\n`));
  const token = opts.token ?? newToken();
  const files = sirv(staticDir, {
    single: true,
    etag: true,
    setHeaders: (res) => {
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
    },
  });
  // The policy needs the port, which is known only once listening (with --port 0).
  let policy: AccessPolicy | null = null;

  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const p = policy!;
    if (!hostAllowed(req.headers.host, p)) {
      log(`refused a request for host ${JSON.stringify(req.headers.host ?? '')}`);
      refuse(res, 403, 'This server does not answer to that host name.');
      return;
    }
    const url = requestUrl(req);
    if (!url) {
      refuse(res, 400, 'The request names no path on this server.');
      return;
    }
    const { token: given, fromQuery } = tokenOf(url, req.headers, p);
    if (!sameToken(given, p)) {
      refuse(res, 401, NO_TOKEN);
      return;
    }
    if (fromQuery) {
      // Trade the token for a cookie, and take it out of the address bar (and the history).
      url.searchParams.delete('token');
      res.writeHead(303, { 'Set-Cookie': setCookieHeader(p), Location: `${url.pathname}${url.search}`, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    files(req, res, () => refuse(res, 404, 'Not found.'));
  };
  // Whatever a request holds, a throw ends that request, never the server.
  const server = http.createServer((req, res) => {
    try {
      answer(req, res);
    } catch (err) {
      log(`a request failed (${(err as Error).message})`);
      if (!res.headersSent) refuse(res, 400, 'The request could not be read.');
      else res.destroy();
    }
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  const engine = await EngineHost.start(undefined, { dataDir: opts.dataDir });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const p = policy!;
    if (!hostAllowed(req.headers.host, p)) {
      log(`refused a WebSocket for host ${JSON.stringify(req.headers.host ?? '')}`);
      return refuseUpgrade(socket, '403 Forbidden');
    }
    const url = requestUrl(req);
    if (url?.pathname !== '/rpc') return refuseUpgrade(socket, '404 Not Found');
    if (!originAllowed(req.headers.origin, p)) {
      log(`refused a WebSocket from origin ${JSON.stringify(req.headers.origin)}`);
      return refuseUpgrade(socket, '403 Forbidden');
    }
    if (!sameToken(tokenOf(url, req.headers, p).token, p)) {
      log('refused a WebSocket without the token');
      return refuseUpgrade(socket, '401 Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, engine.connect(), log));
  };
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (err) {
      log(`a WebSocket upgrade failed (${(err as Error).message})`);
      refuseUpgrade(socket, '400 Bad Request');
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, resolve);
    });
  } catch (err) {
    await engine.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new UserError('BAD_CONFIG', `Port ${opts.port} is already in use; pick another with --port N, or --port 0 for a free one.`);
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new UserError('BAD_CONFIG', `This machine has no address ${opts.host}; use --host 127.0.0.1 (the default).`);
    }
    if (code === 'EACCES') {
      throw new UserError('BAD_CONFIG', `Port ${opts.port} needs special rights on this machine; use a port above 1023, or --port 0.`);
    }
    throw new UserError('BAD_CONFIG', `Cannot listen on ${opts.host}:${opts.port} (${code ?? (err as Error).message}).`);
  }
  const { port } = server.address() as AddressInfo;
  policy = accessPolicy(opts.host, port, token, opts.allowHosts);
  const url = startUrl(opts.host, port, token);
  return {
    url,
    origin: new URL(url).origin,
    token,
    port,
    rpcUrl: `${new URL(url).origin.replace(/^http/, 'ws')}/rpc?token=${token}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await engine.close();
    },
  };
}

export { isLoopback };

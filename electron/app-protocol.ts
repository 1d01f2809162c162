import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-url.js';

/**
 * The desktop page's Content-Security-Policy, sent with every response of the
 * app:// protocol. Stricter than the browser mode's: the desktop renderer
 * reaches the engine through the preload, so it needs no WebSocket (no ws:/wss:).
 */
export const DESKTOP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Svelte transitions and uPlot set inline styles.
  "style-src 'self' 'unsafe-inline'",
  // Canvas exports and decoded images are data: and blob: URLs.
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * How app:// is registered (before the app is ready): standard, so relative
 * URLs and the origin work as on the web; secure, so the page is a secure
 * context; fetch allowed. Not corsEnabled: nothing from another origin may read it.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type for a file name; module scripts load only with a JavaScript type. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 403; reason: string };

/**
 * Maps an app:// URL to a file under `root`, refusing anything that could
 * reach outside it: another host, encoded slashes or backslashes, dot
 * segments however spelt, empty segments (an absolute path), drive letters
 * and NUL. Chromium already normalises plain `..`; this does not rely on it.
 */
export function resolveAppPath(url: string, root: string): Resolved {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') {
    return { ok: false, status: 403, reason: `not the app's origin (${APP_SCHEME}://${APP_HOST})` };
  }
  const raw = parsed.pathname === '/' ? ['index.html'] : parsed.pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return { ok: false, status: 400, reason: 'a malformed escape in the path' };
    }
    if (name === '' || name.startsWith('.') || /[/\\:\0]/.test(name)) return { ok: false, status: 403, reason: 'a path outside the app' };
    segments.push(name);
  }
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  const rel = path.relative(base, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, status: 403, reason: 'a path outside the app' };
  return { ok: true, file };
}

/** What the handler needs of a request (Electron's GlobalRequest, or a test's object). */
export interface AppRequest {
  url: string;
  method: string;
}

function respond(status: number, body: Uint8Array | string | null, contentType: string): Response {
  // A copy with its own ArrayBuffer, as BodyInit wants (a pooled Buffer's may be shared).
  return new Response(body instanceof Uint8Array ? new Uint8Array(body) : body, {
    status,
    headers: { 'Content-Type': contentType, 'Content-Security-Policy': DESKTOP_CSP, 'X-Content-Type-Options': 'nosniff' },
  });
}

const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * The app:// protocol handler: files from the built renderer folder, read
 * only (GET or HEAD), each with the desktop CSP. `read` is replaceable for tests.
 */
export function createAppHandler(root: string, read: (file: string) => Promise<Uint8Array> = readFile): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed\n', 'text/plain; charset=utf-8');
    const resolved = resolveAppPath(request.url, root);
    if (!resolved.ok) return respond(resolved.status, `Refused: ${resolved.reason}\n`, 'text/plain; charset=utf-8');
    let body: Uint8Array;
    try {
      body = await read(resolved.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (NOT_FOUND.has(code)) return respond(404, 'Not found\n', 'text/plain; charset=utf-8');
      return respond(500, 'The file could not be read\n', 'text/plain; charset=utf-8');
    }
    return respond(200, request.method === 'HEAD' ? null : body, contentTypeFor(resolved.file));
  };
}

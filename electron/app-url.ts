/** The scheme the desktop app serves its own page from (never file://, which Chromium treats loosely). */
export const APP_SCHEME = 'app';
/** One fixed host, so the page has a real origin of its own: app://latent-explorer. */
export const APP_HOST = 'latent-explorer';
/** What the window loads. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True when `url` is the app's own page: app://latent-explorer/index.html (any
 * query or fragment), or any page of the development server when one runs.
 * Everything that trusts a sender or allows a navigation asks this.
 */
export function isAppUrl(url: string, devOrigin?: string): boolean {
  const parsed = parse(url);
  if (!parsed || parsed.username !== '' || parsed.password !== '') return false;
  if (devOrigin !== undefined) return parsed.origin === devOrigin;
  // Node's URL parser does not know `app:` is a standard scheme, so its
  // `origin` is "null": compare the parts instead.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.pathname === '/index.html';
}

export type DevUrl = { url: string; origin: string } | { warning: string } | null;

/**
 * Reads LATENT_EXPLORER_DEV_URL: a development server is trusted only when it
 * is plain http on this machine's loopback with an explicit port (what a local
 * Vite server is). Anything else would hand the engine, and every path the
 * user chooses, to a page from elsewhere, so it is ignored with a warning.
 */
export function parseDevUrl(raw: string | undefined): DevUrl {
  if (raw === undefined || raw.trim() === '') return null;
  const ignored = (why: string) => ({ warning: `latent-explorer: ignoring LATENT_EXPLORER_DEV_URL=${JSON.stringify(raw)}: ${why}; loading the built app.` });
  const url = parse(raw.trim());
  if (!url) return ignored('it is not a URL');
  if (url.protocol !== 'http:') return ignored('only http://127.0.0.1, http://localhost or http://[::1] with a port is accepted');
  if (!LOOPBACK_HOSTS.has(url.hostname)) return ignored('its host is not 127.0.0.1, localhost or [::1]');
  // The URL parser drops a default port (80), so this also refuses one.
  if (url.port === '') return ignored('it names no port (for example http://127.0.0.1:5173/)');
  if (url.username !== '' || url.password !== '') return ignored('it carries a user name or password');
  return { url: url.href, origin: url.origin };
}

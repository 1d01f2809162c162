import type { BrowserWindowConstructorOptions } from 'electron';

/** What the shell needs of the BrowserWindow class (Electron's, or a test's fake). */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * Opens the app's window. The options are written out in full at the
 * constructor call, not assembled elsewhere or wrapped in a type assertion, so
 * that a reader (and Electronegativity, which reads only a plain object
 * literal there) sees every security setting where the window is made.
 */
export function createAppWindow<W>(BrowserWindow: WindowConstructor<W>, preload: string): W {
  return new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1280,
    minHeight: 800,
    title: 'Latent Explorer',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle clicks are one more way for a page to open windows or navigate; the app has no use for them.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
}

/** A navigation event (will-navigate, will-redirect, will-frame-navigate) as Electron 41 passes it. */
export interface NavigationEventLike {
  url: string;
  preventDefault(): void;
}

/** What the navigation guard needs of a webContents. */
export interface WebContentsLike {
  on(event: string, listener: (event: NavigationEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Keeps a webContents on the app's own page: navigations, redirects and
 * frame navigations anywhere else are stopped, no window ever opens, and no
 * <webview> attaches. Nothing is handed to the system browser either: the app
 * has no outside links, and shell.openExternal with a URL a page chose is a
 * way out of the sandbox, so it is not used at all.
 */
export function guardNavigation(contents: WebContentsLike, isAllowed: (url: string) => boolean, onRefused?: (reason: string) => void): void {
  const stop = (what: string) => (e: NavigationEventLike) => {
    if (isAllowed(e.url)) return;
    e.preventDefault();
    onRefused?.(`stopped ${what} to ${e.url}`);
  };
  // One call per event, spelt out, so each is plain to see (and to scanners).
  contents.on('will-navigate', stop('a navigation'));
  contents.on('will-redirect', stop('a redirect'));
  contents.on('will-frame-navigate', stop('a frame navigation'));
  contents.on('will-attach-webview', (e: { preventDefault(): void }) => {
    e.preventDefault();
    onRefused?.('stopped a <webview> from attaching');
  });
  contents.setWindowOpenHandler(({ url }) => {
    onRefused?.(`refused to open a window for ${url}`);
    return { action: 'deny' };
  });
}

/** What the permission handlers need of a session. */
export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/**
 * The app needs no browser permission (camera, notifications, clipboard
 * reading, fullscreen requests, ...): every request is denied and every check says no.
 */
export function denyPermissions(session: SessionLike, onRefused?: (reason: string) => void): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    onRefused?.(`denied the permission "${permission}"`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EngineHost } from '../src/engine/host.js';
import { bridgeIpc, isAppUrl, type IpcEventLike } from './bridge.js';
import { handlePathDialogs, type PathRequest } from './dialogs.js';

// The desktop shell: one window, the engine in its own thread, and a bridge
// that lets only that window's own page talk to it.
const here = path.dirname(fileURLToPath(import.meta.url));
const INDEX = path.join(here, '..', 'renderer', 'index.html');
const INDEX_URL = pathToFileURL(INDEX).href;
const DEV_ORIGIN = process.env.LATENT_EXPLORER_DEV_URL;

let win: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1280,
    minHeight: 800,
    title: 'Latent Explorer',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  // No navigation away from the app and no new windows; links go to the system browser.
  w.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, INDEX_URL, DEV_ORIGIN)) e.preventDefault();
  });
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (DEV_ORIGIN) void w.loadURL(DEV_ORIGIN);
  else void w.loadFile(INDEX);
  return w;
}

/** The native dialogs behind "Open model…", "Save model as…" and choosing IDX data. */
async function choosePath(request: PathRequest): Promise<string | null> {
  if (!win) return null;
  if (request.purpose === 'save-model') {
    const r = await dialog.showSaveDialog(win, {
      title: 'Save model as',
      buttonLabel: 'Save',
      defaultPath: path.join(app.getPath('documents'), request.suggestedName ?? 'vae-model'),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    return r.canceled ? null : (r.filePath ?? null);
  }
  const open = {
    'open-model': { title: 'Open model', buttonLabel: 'Open', properties: ['openDirectory'] },
    'idx-folder': { title: 'Folder of IDX files', buttonLabel: 'Choose', properties: ['openDirectory'] },
    'idx-file': { title: 'IDX file (raw or .gz)', buttonLabel: 'Choose', properties: ['openFile'] },
  } as const satisfies Record<Exclude<PathRequest['purpose'], 'save-model'>, Electron.OpenDialogOptions>;
  const { properties, ...rest } = open[request.purpose];
  const r = await dialog.showOpenDialog(win, { ...rest, properties: [...properties] });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  // Exports (PNG, CSV) leave the page as downloads: each asks where to go in a
  // native save dialog, and Chromium writes to a temporary file it renames at the end.
  session.defaultSession.on('will-download', (_e, item) => {
    item.setSaveDialogOptions({ title: 'Export', defaultPath: path.join(app.getPath('documents'), item.getFilename()) });
  });
  const engine = await EngineHost.start(new URL('./engine-worker.mjs', import.meta.url));
  win = createWindow();
  const isTrusted = (e: IpcEventLike) =>
    win !== null && e.sender.id === win.webContents.id && isAppUrl(e.senderFrame?.url ?? '', INDEX_URL, DEV_ORIGIN);
  const unbridge = bridgeIpc(ipcMain as unknown as Parameters<typeof bridgeIpc>[0], {
    isTrusted,
    connect: () => engine.connect(),
    onRefused: (reason) => console.warn(`latent-explorer: ${reason}`),
  });
  const undialog = handlePathDialogs(ipcMain as unknown as Parameters<typeof handlePathDialogs>[0], {
    isTrusted,
    show: choosePath,
    onRefused: (reason) => console.warn(`latent-explorer: ${reason}`),
  });
  app.on('window-all-closed', () => {
    unbridge();
    undialog();
    void engine.close().finally(() => app.quit());
  });
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

main().catch((err: Error) => {
  console.error(`latent-explorer: ${err.message}`);
  app.exit(1);
});

import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../src/engine/engine-host.js';
import { APP_SCHEME_PRIVILEGES, createAppHandler } from './app-protocol.js';
import { APP_INDEX_URL, APP_SCHEME, isAppUrl, parseDevUrl } from './app-url.js';
import { bridgeIpc, type IpcEventLike } from './bridge.js';
import { handlePathDialogs, type PathRequest } from './dialogs.js';
import { createAppWindow, denyPermissions, guardNavigation } from './window.js';
import { WriteGrants } from './write-grants.js';

// The desktop shell: one window showing the app from its own app:// origin,
// the engine in its own thread, and a bridge that lets only that window's own
// page talk to it. The decisions live in the modules imported above, each
// tested without Electron; this file only wires them to Electron.
const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.join(here, '..', 'renderer');
const log = (line: string) => console.warn(`latent-explorer: ${line}`);

const devUrl = parseDevUrl(process.env.LATENT_EXPLORER_DEV_URL);
if (devUrl && 'warning' in devUrl) console.warn(devUrl.warning);
const dev = devUrl && 'url' in devUrl ? devUrl : null;
const isOwnPage = (url: string) => isAppUrl(url, dev?.origin);

// Must happen before the app is ready: the scheme's privileges are fixed when Chromium starts.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

let win: BrowserWindow | null = null;

/** The native dialogs behind "Open model…", "Save model as…" and choosing IDX data or an image folder. */
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
    'image-folder': { title: 'Folder of images (one subfolder per class)', buttonLabel: 'Choose', properties: ['openDirectory'] },
    'layers-model': {
      title: 'TensorFlow.js Layers model (model.json)',
      buttonLabel: 'Choose',
      properties: ['openFile'],
      filters: [{ name: 'Layers model', extensions: ['json'] }],
    },
  } as const satisfies Record<Exclude<PathRequest['purpose'], 'save-model'>, Electron.OpenDialogOptions>;
  const { properties, ...rest } = open[request.purpose];
  const r = await dialog.showOpenDialog(win, { ...rest, properties: [...properties] });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function main(): Promise<void> {
  await app.whenReady();
  protocol.handle(APP_SCHEME, createAppHandler(RENDERER_DIR));
  denyPermissions(session.defaultSession, log);
  // Exports (PNG, CSV) leave the page as downloads: each asks where to go in a
  // native save dialog, and Chromium writes to a temporary file it renames at the end.
  session.defaultSession.on('will-download', (_e, item) => {
    item.setSaveDialogOptions({ title: 'Export', defaultPath: path.join(app.getPath('documents'), item.getFilename()) });
  });
  const engine = await EngineHost.start(new URL('./engine-thread.mjs', import.meta.url));
  win = createAppWindow(BrowserWindow, path.join(here, 'preload.cjs'));
  const isTrusted = (e: IpcEventLike) => win !== null && e.sender.id === win.webContents.id && isOwnPage(e.senderFrame?.url ?? '');
  // One record of the folders the user chose, read by the bridge before any save.
  const grants = new WriteGrants();
  const unbridge = bridgeIpc(ipcMain as unknown as Parameters<typeof bridgeIpc>[0], {
    isTrusted,
    connect: () => engine.connect(),
    grants,
    onRefused: log,
  });
  const undialog = handlePathDialogs(ipcMain as unknown as Parameters<typeof handlePathDialogs>[0], {
    isTrusted,
    show: choosePath,
    grants,
    onRefused: log,
  });
  app.on('window-all-closed', () => {
    unbridge();
    undialog();
    void engine.close().finally(() => app.quit());
  });
  void win.loadURL(dev?.url ?? APP_INDEX_URL);
}

// Every webContents, the window's and any other, stays on the app's page.
app.on('web-contents-created', (_e, contents) => guardNavigation(contents, isOwnPage, log));

main().catch((err: Error) => {
  console.error(`latent-explorer: ${err.message}`);
  app.exit(1);
});

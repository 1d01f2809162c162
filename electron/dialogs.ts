import { PathRequestSchema, type PathRequest } from '../src/contract/desktop.js';
import { PATH_DIALOG_CHANNEL } from './channels.js';
import type { IpcEventLike } from './bridge.js';
import type { WriteGrants } from './write-grants.js';

export { PathRequestSchema, type PathRequest };

const PURPOSES = PathRequestSchema.shape.purpose.options.map((p) => `"${p}"`).join(' | ');

/** What the dialog handler needs of Electron's ipcMain (or a test's fake). */
export interface IpcHandleLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface PathDialogOptions {
  /** The same sender check as the engine bridge: the app's own window and page. */
  isTrusted(event: IpcEventLike): boolean;
  /** Shows the native dialog; resolves to the chosen path, or null when cancelled. */
  show(request: PathRequest): Promise<string | null>;
  /** Where each chosen path is recorded, for the bridge to allow saving there. */
  grants: WriteGrants;
  onRefused?(reason: string): void;
}

/**
 * Answers the renderer's requests for a native dialog: "Open model…", "Save
 * model as…", or choosing IDX data. The sender is checked and the request parsed before any dialog
 * opens; a refusal rejects the renderer's call with a sentence. The path the
 * user chose is recorded with its purpose: only these may later be written.
 */
export function handlePathDialogs(ipcMain: IpcHandleLike, opts: PathDialogOptions): () => void {
  ipcMain.handle(PATH_DIALOG_CHANNEL, async (event, raw) => {
    if (!opts.isTrusted(event)) {
      const reason = `refused a dialog for webContents ${event.sender.id} (${event.senderFrame?.url ?? 'no frame'})`;
      opts.onRefused?.(reason);
      throw new Error('Only the app window may open a dialog.');
    }
    const parsed = PathRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`A dialog request needs {purpose: ${PURPOSES}, suggestedName?}: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}.`);
    }
    const chosen = await opts.show(parsed.data);
    if (chosen !== null) opts.grants.record(parsed.data.purpose, chosen);
    return chosen;
  });
  return () => ipcMain.removeHandler(PATH_DIALOG_CHANNEL);
}

import { z } from 'zod';
import { FOLDER_DIALOG_CHANNEL } from './channels.js';
import type { IpcEventLike } from './bridge.js';

/**
 * What the renderer may ask for: a folder to open a model from, or a new
 * folder name to save one as. Nothing else reaches the native dialog.
 */
export const FolderRequestSchema = z
  .object({
    purpose: z.enum(['open', 'save']),
    /** A bare name to suggest when saving (no folders in it). */
    suggestedName: z.string().min(1).max(200).regex(/^[^/\\]+$/, 'a bare name, no folders').optional(),
  })
  .strict();
export type FolderRequest = z.infer<typeof FolderRequestSchema>;

/** What the dialog handler needs of Electron's ipcMain (or a test's fake). */
export interface IpcHandleLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface FolderDialogOptions {
  /** The same sender check as the engine bridge: the app's own window and page. */
  isTrusted(event: IpcEventLike): boolean;
  /** Shows the native dialog; resolves to the chosen path, or null when cancelled. */
  show(request: FolderRequest): Promise<string | null>;
  onRefused?(reason: string): void;
}

/**
 * Answers the renderer's requests for a native "Open model…" or "Save model
 * as…" dialog. The sender is checked and the request parsed before any dialog
 * opens; a refusal rejects the renderer's call with a sentence.
 */
export function handleFolderDialogs(ipcMain: IpcHandleLike, opts: FolderDialogOptions): () => void {
  ipcMain.handle(FOLDER_DIALOG_CHANNEL, async (event, raw) => {
    if (!opts.isTrusted(event)) {
      const reason = `refused a folder dialog for webContents ${event.sender.id} (${event.senderFrame?.url ?? 'no frame'})`;
      opts.onRefused?.(reason);
      throw new Error('Only the app window may open a folder dialog.');
    }
    const parsed = FolderRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`A folder dialog request needs {purpose: "open" | "save", suggestedName?}: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}.`);
    }
    return opts.show(parsed.data);
  });
  return () => ipcMain.removeHandler(FOLDER_DIALOG_CHANNEL);
}

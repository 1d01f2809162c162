import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { PATH_DIALOG_CHANNEL, RPC_CHANNEL } from './channels.js';
import type { PathRequest } from '../src/contract/desktop.js';

// The renderer gets exactly this: send a message on the engine's one channel,
// listen to that channel, and ask for a native file or folder dialog. Never ipcRenderer itself.
contextBridge.exposeInMainWorld('latentExplorer', {
  send(message: unknown): void {
    ipcRenderer.send(RPC_CHANNEL, message);
  },
  onMessage(handler: (message: unknown) => void): () => void {
    const l = (_e: IpcRendererEvent, message: unknown) => handler(message);
    ipcRenderer.on(RPC_CHANNEL, l);
    return () => void ipcRenderer.removeListener(RPC_CHANNEL, l);
  },
  choosePath(request: PathRequest): Promise<string | null> {
    return ipcRenderer.invoke(PATH_DIALOG_CHANNEL, request) as Promise<string | null>;
  },
});

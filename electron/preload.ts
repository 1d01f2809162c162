import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// The renderer gets exactly this: send a message on the engine's one channel,
// and listen to that channel. Never ipcRenderer itself.
const CHANNEL = 'latent-explorer:rpc';

contextBridge.exposeInMainWorld('latentExplorer', {
  send(message: unknown): void {
    ipcRenderer.send(CHANNEL, message);
  },
  onMessage(handler: (message: unknown) => void): () => void {
    const l = (_e: IpcRendererEvent, message: unknown) => handler(message);
    ipcRenderer.on(CHANNEL, l);
    return () => void ipcRenderer.removeListener(CHANNEL, l);
  },
});

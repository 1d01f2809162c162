/** The one IPC channel between the renderer and the engine. */
export const RPC_CHANNEL = 'latent-explorer:rpc';

/** The channel on which the renderer asks the shell for a native folder dialog. */
export const PATH_DIALOG_CHANNEL = 'latent-explorer:choose-path';

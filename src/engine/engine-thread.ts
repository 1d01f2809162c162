import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { RpcServer } from '../rpc/rpc-server.js';
import { nodePortEndpoint } from '../rpc/port.js';
import { createEngine, type EngineOptions } from './engine-service.js';

// The engine thread: one engine served to every connected port. The
// thread that owns it (Electron's main process, or `latent-explorer serve`)
// only relays messages, so the UI stays responsive however hard this works.
let server: RpcServer | null = null;
const service = createEngine((name, payload) => server?.emit(name, payload), (workerData as { data?: EngineOptions } | null)?.data ?? {});
server = new RpcServer(service, { currentModel: () => service.currentModelId() });
await service.init();

parentPort!.on('message', (m: { type: 'connect'; port: MessagePort }) => {
  if (m?.type === 'connect') {
    const detach = server!.attach(nodePortEndpoint(m.port));
    m.port.on('close', detach);
  }
});
parentPort!.postMessage({ type: 'ready' });

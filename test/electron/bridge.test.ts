import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { bridgeIpc, isAppUrl, RPC_CHANNEL, type IpcEventLike, type IpcMainLike } from '../../electron/bridge.js';
import { EngineHost } from '../../src/engine/host.js';

const INDEX = 'file:///opt/latent-explorer/resources/app.asar/dist/renderer/index.html';

/** A stand-in for Electron's ipcMain: listeners by channel, and a way to deliver a message. */
function fakeIpcMain() {
  const listeners = new Map<string, ((e: IpcEventLike, m: unknown) => void)[]>();
  const ipc: IpcMainLike = {
    on: (ch, l) => listeners.set(ch, [...(listeners.get(ch) ?? []), l]),
    removeListener: (ch, l) => listeners.set(ch, (listeners.get(ch) ?? []).filter((x) => x !== l)),
  };
  const deliver = (e: IpcEventLike, m: unknown) => (listeners.get(RPC_CHANNEL) ?? []).forEach((l) => l(e, m));
  return { ipc, deliver, count: () => (listeners.get(RPC_CHANNEL) ?? []).length };
}

function sender(id: number, url: string | null) {
  const sent: unknown[] = [];
  const event: IpcEventLike = { sender: { id, send: (ch, m) => ch === RPC_CHANNEL && sent.push(m) }, senderFrame: url === null ? null : { url } };
  return { event, sent };
}

test('the app URL check accepts only the app\'s own page', () => {
  assert.equal(isAppUrl(INDEX, INDEX), true);
  assert.equal(isAppUrl(`${INDEX}#x`, INDEX), true);
  assert.equal(isAppUrl('file:///etc/passwd', INDEX), false);
  assert.equal(isAppUrl('https://example.com/index.html', INDEX), false);
  assert.equal(isAppUrl('not a url', INDEX), false);
  assert.equal(isAppUrl('http://localhost:5173/x', INDEX, 'http://localhost:5173/'), true);
  assert.equal(isAppUrl('http://localhost:5174/x', INDEX, 'http://localhost:5173/'), false);
});

test('the bridge forwards trusted messages to the engine and answers back; untrusted senders are refused', async () => {
  const { ipc, deliver, count } = fakeIpcMain();
  const forwarded: unknown[] = [];
  const refused: string[] = [];
  const { port1, port2 } = new MessageChannel();
  // The far end echoes like an engine would: a response with the same id.
  port2.on('message', (m: { id?: number }) => {
    forwarded.push(m);
    if (typeof m === 'object') port2.postMessage({ t: 'res', id: m.id, ok: true, value: 'pong' });
  });
  const trusted = 7;
  const stop = bridgeIpc(ipc, {
    isTrusted: (e) => e.sender.id === trusted && isAppUrl(e.senderFrame?.url ?? '', INDEX),
    connect: () => port1,
    onRefused: (r) => refused.push(r),
  });
  const good = sender(trusted, INDEX);
  deliver(good.event, { t: 'req', id: 1, method: 'getSession', input: {} });
  const other = sender(8, INDEX);
  deliver(other.event, { t: 'req', id: 2, method: 'getSession', input: {} });
  const spoofed = sender(trusted, 'https://evil.example/index.html');
  deliver(spoofed.event, { t: 'req', id: 3, method: 'getSession', input: {} });
  deliver(sender(trusted, null).event, { t: 'req', id: 4, method: 'getSession', input: {} });
  // Malformed content from the trusted page still reaches the engine, which answers with an error.
  deliver(good.event, 'not an object');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(forwarded, [{ t: 'req', id: 1, method: 'getSession', input: {} }, 'not an object']);
  assert.deepEqual(good.sent, [{ t: 'res', id: 1, ok: true, value: 'pong' }]);
  assert.deepEqual(other.sent, []);
  assert.equal(refused.length, 3);
  assert.match(refused[0]!, /webContents 8/);
  stop();
  assert.equal(count(), 0);
  port2.close();
});

test('the bundled engine thread (what the desktop app runs) starts and serves the contract', async () => {
  const host = await EngineHost.start(new URL('../../dist/electron/engine-worker.mjs', import.meta.url));
  const port = host.connect();
  const reply = await new Promise<{ ok: boolean; value: { status: string; backend: string } }>((resolve) => {
    port.once('message', resolve);
    port.postMessage({ t: 'req', id: 1, method: 'getSession', input: {} });
  });
  assert.equal(reply.ok, true);
  assert.equal(reply.value.status, 'idle');
  port.close();
  await host.close();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { APP_INDEX_URL, isAppUrl } from '../../electron/app-url.js';
import { bridgeIpc, RPC_CHANNEL, type IpcEventLike, type IpcMainLike } from '../../electron/bridge.js';
import { SAVE_REFUSED, WriteGrants } from '../../electron/write-grants.js';
import type { NodePortLike } from '../../src/rpc/port.js';
import { EngineHost } from '../../src/engine/engine-host.js';

const INDEX = APP_INDEX_URL;

/** A stand-in for Electron's ipcMain: listeners by channel, and a way to deliver a message. */
function fakeIpcMain() {
  const listeners = new Map<string, ((e: IpcEventLike, m: unknown) => void)[]>();
  const ipc: IpcMainLike = {
    on: (ch, l) => listeners.set(ch, [...(listeners.get(ch) ?? []), l]),
    removeListener: (ch, l) =>
      listeners.set(
        ch,
        (listeners.get(ch) ?? []).filter((x) => x !== l),
      ),
  };
  const deliver = (e: IpcEventLike, m: unknown) => (listeners.get(RPC_CHANNEL) ?? []).forEach((l) => l(e, m));
  return { ipc, deliver, count: () => (listeners.get(RPC_CHANNEL) ?? []).length };
}

function sender(id: number, url: string | null) {
  const sent: unknown[] = [];
  const event: IpcEventLike = { sender: { id, send: (ch, m) => ch === RPC_CHANNEL && sent.push(m) }, senderFrame: url === null ? null : { url } };
  return { event, sent };
}

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
    isTrusted: (e) => e.sender.id === trusted && isAppUrl(e.senderFrame?.url ?? ''),
    connect: () => port1,
    onRefused: (r) => refused.push(r),
  });
  const good = sender(trusted, INDEX);
  deliver(good.event, { t: 'req', id: 1, method: 'getSession', input: {} });
  const other = sender(8, INDEX);
  deliver(other.event, { t: 'req', id: 2, method: 'getSession', input: {} });
  const spoofed = sender(trusted, 'https://evil.example/index.html');
  deliver(sender(trusted, 'file:///opt/latent-explorer/resources/app.asar/dist/renderer/index.html').event, {
    t: 'req',
    id: 5,
    method: 'getSession',
    input: {},
  });
  deliver(spoofed.event, { t: 'req', id: 3, method: 'getSession', input: {} });
  deliver(sender(trusted, null).event, { t: 'req', id: 4, method: 'getSession', input: {} });
  // Malformed content from the trusted page still reaches the engine, which answers with an error.
  deliver(good.event, 'not an object');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(forwarded, [{ t: 'req', id: 1, method: 'getSession', input: {} }, 'not an object']);
  assert.deepEqual(good.sent, [{ t: 'res', id: 1, ok: true, value: 'pong' }]);
  assert.deepEqual(other.sent, []);
  assert.equal(refused.length, 4);
  assert.match(refused[0]!, /webContents 8/);
  stop();
  assert.equal(count(), 0);
  port2.close();
});

test('the bundled engine thread (what the desktop app runs) starts and serves the contract', async () => {
  const host = await EngineHost.start(new URL('../../dist/electron/engine-thread.mjs', import.meta.url));
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

/** An engine end that records what reaches it; `reply` plays the engine answering. */
function fakePort(opts: { postThrows?: boolean } = {}) {
  const received: unknown[] = [];
  let onMessage: ((m: unknown) => void) | null = null;
  const port: NodePortLike & { close(): void } = {
    postMessage: (m) => {
      if (opts.postThrows) throw new Error('DataCloneError: could not be cloned');
      received.push(m);
    },
    on: (_e, l) => (onMessage = l),
    off: () => (onMessage = null),
    close: () => undefined,
  };
  return { port, received, reply: (m: unknown) => onMessage?.(m) };
}

function bridged(grants: WriteGrants | undefined, port = fakePort()) {
  const { ipc, deliver } = fakeIpcMain();
  const log: string[] = [];
  const stop = bridgeIpc(ipc, { isTrusted: (e) => e.sender.id === 1, connect: () => port.port, grants, onRefused: (r) => log.push(r) });
  const app = sender(1, INDEX);
  return { ...port, app, log, stop, send: (m: unknown) => deliver(app.event, m) };
}

const save = (id: number, input: unknown) => ({ t: 'req', id, method: 'saveModel', input });
const refusal = (id: number | null) => ({
  t: 'res',
  id,
  ok: false,
  error: { code: 'BAD_REQUEST', message: 'The desktop app saves a model only to a folder chosen in its "Save model as…" dialog.' },
});

test('saveModel reaches the engine only for a folder a "Save model as…" or "Open model…" dialog returned', () => {
  const grants = new WriteGrants();
  grants.record('save-model', '/home/ada/models/mnist-3d');
  grants.record('open-model', '/home/ada/models/opened');
  grants.record('idx-folder', '/home/ada/data');
  grants.record('idx-file', '/home/ada/data/train-images-idx3-ubyte');
  const b = bridged(grants);
  b.send(save(1, { dir: '/home/ada/models/mnist-3d' }));
  b.send(save(2, { dir: '/home/ada/models/opened' }));
  assert.deepEqual(b.received, [save(1, { dir: '/home/ada/models/mnist-3d' }), save(2, { dir: '/home/ada/models/opened' })]);
  assert.deepEqual(b.app.sent, []);

  const refused: [number, unknown][] = [
    [3, { dir: '/home/ada/data' }],
    [4, { dir: '/home/ada/data/train-images-idx3-ubyte' }],
    [5, { dir: '/home/ada/models/mnist-3d/../../.ssh' }],
    [6, { dir: '/home/ada/models/mnist-3d/' }],
    [7, { dir: '/etc' }],
    [8, {}],
    [9, null],
    [10, { dir: 42 }],
    [11, '/home/ada/models/mnist-3d'],
    [12, ['/home/ada/models/mnist-3d']],
    [13, undefined],
  ];
  for (const [id, input] of refused) b.send(save(id, input));
  assert.equal(b.received.length, 2, 'none of these reached the engine');
  assert.deepEqual(
    b.app.sent,
    refused.map(([id]) => refusal(id)),
  );
  assert.equal(b.log.length, refused.length);
  assert.match(b.log[0]!, /refused a save to a folder no dialog granted/);
  assert.equal(SAVE_REFUSED, refusal(0).error.message);

  // Reading is the engine's to check; only writing needs a grant.
  b.send({ t: 'req', id: 20, method: 'openModel', input: { dir: '/home/ada/elsewhere' } });
  assert.deepEqual(b.received.at(-1), { t: 'req', id: 20, method: 'openModel', input: { dir: '/home/ada/elsewhere' } });
  b.stop();
});

test('a bridge given no grants refuses every save', () => {
  const b = bridged(undefined);
  b.send(save(1, { dir: '/home/ada/models/mnist-3d' }));
  assert.deepEqual(b.received, []);
  assert.deepEqual(b.app.sent, [refusal(1)]);
  b.stop();
});

test('junk from the trusted page neither crashes the bridge nor slips a save past it', () => {
  const b = bridged(new WriteGrants());
  const hostile = new Proxy(
    {},
    {
      get: () => {
        throw new Error('a getter that throws');
      },
    },
  );
  const junk: unknown[] = [
    null,
    undefined,
    42,
    'saveModel',
    [],
    [save(1, { dir: '/x' })],
    Object.create(null),
    { t: 'req' },
    { t: 'req', method: 'saveModel' },
    { t: 'req', id: 'x', method: 'saveModel', input: { dir: '/x' } },
    { t: 'req', id: 1.5, method: 'saveModel', input: { dir: '/x' } },
    hostile,
  ];
  for (const m of junk) assert.doesNotThrow(() => b.send(m));
  // Saves without a proper id are answered with a null id; the rest go on to the engine, which answers them.
  assert.deepEqual(b.app.sent, [refusal(null), refusal(null), refusal(null)]);
  assert.equal(b.received.length, junk.length - 4);
  assert.ok(!b.received.some((m) => (m as { method?: unknown } | null)?.method === 'saveModel'));
  assert.match(b.log.at(-1)!, /could not relay a message from webContents 1: a getter that throws/);
  b.send({ t: 'req', id: 2, method: 'getSession', input: {} });
  assert.deepEqual(b.received.at(-1), { t: 'req', id: 2, method: 'getSession', input: {} });
  b.stop();
});

test('a message that cannot be posted, or an answer that cannot be sent, cannot throw out of the listener', () => {
  const b = bridged(new WriteGrants(), fakePort({ postThrows: true }));
  assert.doesNotThrow(() => b.send({ t: 'req', id: 9, method: 'getSession', input: {} }));
  assert.doesNotThrow(() => b.send('no id to answer'));
  assert.deepEqual(b.app.sent, [
    {
      t: 'res',
      id: 9,
      ok: false,
      error: { code: 'INTERNAL', message: 'The app could not pass this request to the engine. Try again; restart the app if it keeps happening.' },
    },
  ]);
  assert.equal(b.log.filter((l) => /could not relay a message from webContents 1: DataCloneError/.test(l)).length, 2);
  b.stop();

  // The renderer's side fails: the engine's answer is dropped with a log line.
  const { ipc, deliver } = fakeIpcMain();
  const port = fakePort();
  const log: string[] = [];
  const stop = bridgeIpc(ipc, { isTrusted: () => true, connect: () => port.port, onRefused: (r) => log.push(r) });
  const gone: IpcEventLike = {
    sender: {
      id: 3,
      send: () => {
        throw new Error('Object has been destroyed');
      },
    },
    senderFrame: { url: INDEX },
  };
  deliver(gone, { t: 'req', id: 1, method: 'getSession', input: {} });
  assert.doesNotThrow(() => port.reply({ t: 'res', id: 1, ok: true, value: {} }));
  assert.match(log.at(-1)!, /could not answer webContents 3: Object has been destroyed/);
  // Neither does an engine that cannot be reached.
  const stop2 = bridgeIpc(ipc, {
    isTrusted: () => true,
    connect: () => {
      throw new Error('the engine thread has exited');
    },
    onRefused: (r) => log.push(r),
  });
  stop();
  assert.doesNotThrow(() => deliver(sender(4, INDEX).event, { t: 'req', id: 2, method: 'getSession', input: {} }));
  assert.match(log.at(-1)!, /the engine thread has exited/);
  stop2();
});

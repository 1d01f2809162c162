import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PATH_DIALOG_CHANNEL } from '../../electron/channels.js';
import { handlePathDialogs, type PathRequest, type IpcHandleLike } from '../../electron/dialogs.js';
import { bridgeIpc, RPC_CHANNEL, type IpcEventLike } from '../../electron/bridge.js';
import { WriteGrants } from '../../electron/write-grants.js';

const APP = 'app://latent-explorer/index.html';

/** A stand-in for ipcMain.handle: one handler per channel, invoked like ipcRenderer.invoke. */
function fakeIpcMain() {
  const handlers = new Map<string, (e: IpcEventLike, ...args: unknown[]) => Promise<unknown>>();
  const ipc: IpcHandleLike = {
    handle: (ch, l) => {
      if (handlers.has(ch)) throw new Error(`second handler for ${ch}`);
      handlers.set(ch, l);
    },
    removeHandler: (ch) => void handlers.delete(ch),
  };
  const invoke = (id: number, url: string, arg: unknown) => {
    const h = handlers.get(PATH_DIALOG_CHANNEL);
    if (!h) throw new Error('no handler');
    return h({ sender: { id, send: () => undefined }, senderFrame: { url } }, arg);
  };
  return { ipc, invoke, has: () => handlers.has(PATH_DIALOG_CHANNEL) };
}

function setup(answer: string | null) {
  const fake = fakeIpcMain();
  const shown: PathRequest[] = [];
  const refused: string[] = [];
  const grants = new WriteGrants();
  const stop = handlePathDialogs(fake.ipc, {
    grants,
    isTrusted: (e) => e.sender.id === 1 && e.senderFrame?.url === APP,
    show: async (r) => {
      shown.push(r);
      return answer;
    },
    onRefused: (r) => refused.push(r),
  });
  return { ...fake, shown, refused, stop, grants };
}

test('the app window gets the native folder dialog and its answer; cancel is null', async () => {
  const s = setup('/home/ada/models/mnist-3d');
  for (const purpose of ['open-model', 'idx-folder', 'idx-file', 'image-folder', 'layers-model'] as const)
    assert.equal(await s.invoke(1, APP, { purpose }), '/home/ada/models/mnist-3d');
  assert.equal(await s.invoke(1, APP, { purpose: 'save-model', suggestedName: 'mnist-latent-3' }), '/home/ada/models/mnist-3d');
  assert.deepEqual(s.shown, [
    { purpose: 'open-model' },
    { purpose: 'idx-folder' },
    { purpose: 'idx-file' },
    { purpose: 'image-folder' },
    { purpose: 'layers-model' },
    { purpose: 'save-model', suggestedName: 'mnist-latent-3' },
  ]);
  s.stop();
  assert.equal(s.has(), false);
  const c = setup(null);
  assert.equal(await c.invoke(1, APP, { purpose: 'open-model' }), null);
  c.stop();
});

test('another window or page is refused before any dialog opens', async () => {
  const s = setup('/x');
  await assert.rejects(s.invoke(2, APP, { purpose: 'open-model' }), /Only the app window may open a dialog/);
  await assert.rejects(s.invoke(1, 'https://evil.example/index.html', { purpose: 'open-model' }), /Only the app window/);
  assert.equal(s.shown.length, 0);
  assert.equal(s.refused.length, 2);
  assert.match(s.refused[0]!, /webContents 2/);
  s.stop();
});

test('a malformed request is refused with a sentence, and the next one is served', async () => {
  const s = setup('/x');
  for (const bad of [
    'open-model',
    null,
    {},
    { purpose: 'delete' },
    { purpose: 'open' },
    { purpose: 'save-model', suggestedName: '../../etc' },
    { purpose: 'open-model', defaultPath: '/etc' },
  ]) {
    await assert.rejects(
      s.invoke(1, APP, bad),
      /A dialog request needs \{purpose: "open-model" \| "save-model" \| "idx-folder" \| "idx-file" \| "image-folder" \| "layers-model", suggestedName\?\}/,
      JSON.stringify(bad),
    );
  }
  assert.equal(s.shown.length, 0);
  assert.equal(await s.invoke(1, APP, { purpose: 'open-model' }), '/x');
  s.stop();
});

test('a folder from "Save model as…" or "Open model…" is granted for saving; IDX and image folder choices, cancels and refusals grant nothing', async () => {
  const save = setup('/home/ada/models/new');
  assert.equal(save.grants.maySaveTo('/home/ada/models/new'), false, 'nothing before the dialog');
  await save.invoke(1, APP, { purpose: 'save-model', suggestedName: 'mnist-latent-3' });
  assert.equal(save.grants.maySaveTo('/home/ada/models/new'), true);
  assert.equal(save.grants.maySaveTo('/home/ada/models'), false, 'not its parent');
  assert.equal(save.grants.maySaveTo('/home/ada/models/new/sub'), false, 'not inside it');
  save.stop();

  const open = setup('/home/ada/models/old');
  await open.invoke(1, APP, { purpose: 'open-model' });
  assert.equal(open.grants.maySaveTo('/home/ada/models/old'), true, 'an opened model may be saved back');
  open.stop();

  for (const purpose of ['idx-folder', 'idx-file', 'image-folder', 'layers-model'] as const) {
    const idx = setup('/home/ada/data');
    await idx.invoke(1, APP, { purpose });
    assert.equal(idx.grants.maySaveTo('/home/ada/data'), false, purpose);
    idx.stop();
  }
  const cancelled = setup(null);
  const recorded: unknown[] = [];
  cancelled.grants.record = (...args) => void recorded.push(args);
  await cancelled.invoke(1, APP, { purpose: 'save-model' });
  assert.deepEqual(recorded, [], 'a cancelled dialog records nothing');
  cancelled.stop();
  const other = setup('/home/ada/models/new');
  await assert.rejects(other.invoke(2, APP, { purpose: 'save-model' }));
  assert.equal(other.grants.maySaveTo('/home/ada/models/new'), false, 'a refused window gets no grant');
  other.stop();
});

test('the dialog handler and the bridge share one record: a save goes through only after the dialog returned its folder', async () => {
  const s = setup('/home/ada/models/new');
  let listener: ((e: IpcEventLike, m: unknown) => void) | null = null;
  const forwarded: unknown[] = [];
  const answered: unknown[] = [];
  const stop = bridgeIpc(
    { on: (_c, l) => (listener = l), removeListener: () => (listener = null) },
    {
      isTrusted: (e) => e.sender.id === 1,
      connect: () => ({ postMessage: (m) => forwarded.push(m), on: () => undefined, off: () => undefined, close: () => undefined }),
      grants: s.grants,
    },
  );
  const event: IpcEventLike = { sender: { id: 1, send: (ch, m) => ch === RPC_CHANNEL && answered.push(m) }, senderFrame: { url: APP } };
  const saveTo = (id: number) => listener?.(event, { t: 'req', id, method: 'saveModel', input: { dir: '/home/ada/models/new' } });
  saveTo(1);
  assert.equal(forwarded.length, 0);
  assert.equal((answered[0] as { error: { code: string } }).error.code, 'BAD_REQUEST');
  await s.invoke(1, APP, { purpose: 'save-model' });
  saveTo(2);
  assert.deepEqual(forwarded, [{ t: 'req', id: 2, method: 'saveModel', input: { dir: '/home/ada/models/new' } }]);
  stop();
  s.stop();
});

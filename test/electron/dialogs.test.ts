import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PATH_DIALOG_CHANNEL } from '../../electron/channels.js';
import { handlePathDialogs, type PathRequest, type IpcHandleLike } from '../../electron/dialogs.js';
import type { IpcEventLike } from '../../electron/bridge.js';

const APP = 'file:///opt/latent-explorer/resources/app.asar/dist/renderer/index.html';

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
  const stop = handlePathDialogs(fake.ipc, {
    isTrusted: (e) => e.sender.id === 1 && e.senderFrame?.url === APP,
    show: async (r) => {
      shown.push(r);
      return answer;
    },
    onRefused: (r) => refused.push(r),
  });
  return { ...fake, shown, refused, stop };
}

test('the app window gets the native folder dialog and its answer; cancel is null', async () => {
  const s = setup('/home/ada/models/mnist-3d');
  for (const purpose of ['open-model', 'idx-folder', 'idx-file'] as const) assert.equal(await s.invoke(1, APP, { purpose }), '/home/ada/models/mnist-3d');
  assert.equal(await s.invoke(1, APP, { purpose: 'save-model', suggestedName: 'mnist-latent-3' }), '/home/ada/models/mnist-3d');
  assert.deepEqual(s.shown, [{ purpose: 'open-model' }, { purpose: 'idx-folder' }, { purpose: 'idx-file' }, { purpose: 'save-model', suggestedName: 'mnist-latent-3' }]);
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
  for (const bad of ['open-model', null, {}, { purpose: 'delete' }, { purpose: 'open' }, { purpose: 'save-model', suggestedName: '../../etc' }, { purpose: 'open-model', defaultPath: '/etc' }]) {
    await assert.rejects(s.invoke(1, APP, bad), /A dialog request needs \{purpose: "open-model" \| "save-model" \| "idx-folder" \| "idx-file", suggestedName\?\}/, JSON.stringify(bad));
  }
  assert.equal(s.shown.length, 0);
  assert.equal(await s.invoke(1, APP, { purpose: 'open-model' }), '/x');
  s.stop();
});

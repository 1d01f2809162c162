import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FOLDER_DIALOG_CHANNEL } from '../../electron/channels.js';
import { handleFolderDialogs, type FolderRequest, type IpcHandleLike } from '../../electron/dialogs.js';
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
    const h = handlers.get(FOLDER_DIALOG_CHANNEL);
    if (!h) throw new Error('no handler');
    return h({ sender: { id, send: () => undefined }, senderFrame: { url } }, arg);
  };
  return { ipc, invoke, has: () => handlers.has(FOLDER_DIALOG_CHANNEL) };
}

function setup(answer: string | null) {
  const fake = fakeIpcMain();
  const shown: FolderRequest[] = [];
  const refused: string[] = [];
  const stop = handleFolderDialogs(fake.ipc, {
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
  assert.equal(await s.invoke(1, APP, { purpose: 'open' }), '/home/ada/models/mnist-3d');
  assert.equal(await s.invoke(1, APP, { purpose: 'save', suggestedName: 'mnist-latent-3' }), '/home/ada/models/mnist-3d');
  assert.deepEqual(s.shown, [{ purpose: 'open' }, { purpose: 'save', suggestedName: 'mnist-latent-3' }]);
  s.stop();
  assert.equal(s.has(), false);
  const c = setup(null);
  assert.equal(await c.invoke(1, APP, { purpose: 'open' }), null);
  c.stop();
});

test('another window or page is refused before any dialog opens', async () => {
  const s = setup('/x');
  await assert.rejects(s.invoke(2, APP, { purpose: 'open' }), /Only the app window may open a folder dialog/);
  await assert.rejects(s.invoke(1, 'https://evil.example/index.html', { purpose: 'open' }), /Only the app window/);
  assert.equal(s.shown.length, 0);
  assert.equal(s.refused.length, 2);
  assert.match(s.refused[0]!, /webContents 2/);
  s.stop();
});

test('a malformed request is refused with a sentence, and the next one is served', async () => {
  const s = setup('/x');
  for (const bad of ['open', null, {}, { purpose: 'delete' }, { purpose: 'save', suggestedName: '../../etc' }, { purpose: 'open', defaultPath: '/etc' }]) {
    await assert.rejects(s.invoke(1, APP, bad), /A folder dialog request needs \{purpose: "open" \| "save", suggestedName\?\}/, JSON.stringify(bad));
  }
  assert.equal(s.shown.length, 0);
  assert.equal(await s.invoke(1, APP, { purpose: 'open' }), '/x');
  s.stop();
});

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EventName, Payload } from '../../src/contract/index.js';
import type { Bookmark } from '../../src/contract/shapes.js';
import { createEngine, type Engine } from '../../src/engine/engine-service.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { UserError } from '../../src/contract/errors.js';
import { LIMITS } from '../../src/contract/limits.js';
import { bookmarkFileName, jsonDepth } from '../../src/model/keepsakes.js';
import { setupTf } from '../helpers/tf.js';
import { makeFifo, tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { snapshot } from '../hostile/files.js';

// Attribute vectors and bookmarks: kept with a model, written atomically, and
// every file read back treated as hostile: corrupt, huge, a FIFO, nested
// deep, or named to reach outside the model folder.
let dataFolder: string;
before(async () => {
  await setupTf();
  dataFolder = writeSyntheticFolder({ train: 128, test: 32, h: 8, w: 6 });
});

async function engine(dataDir = tempDir('le-data-')): Promise<Engine> {
  const statuses: string[] = [];
  const service = createEngine(
    <E extends EventName>(name: E, payload: Payload<E>) => {
      if (name === 'status') statuses.push((payload as Payload<'status'>).status);
    },
    { dataDir },
  );
  await service.init();
  await service.startTraining({
    data: { kind: 'folder', path: dataFolder },
    model: { latentDim: 2, hidden: [16], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { ...DEFAULT_TRAIN, epochs: 1, batchSize: 32 },
  });
  for (let i = 0; i < 600 && !['done', 'stopped', 'failed'].includes(statuses.at(-1) ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(statuses.at(-1), 'done');
  return service;
}

/** A trained engine whose model is saved in `dir`, inside a folder `root` that holds nothing else. */
async function savedEngine(): Promise<{ e: Engine; root: string; dir: string }> {
  const e = await engine();
  const root = tempDir('le-keep-');
  const dir = path.join(root, 'model');
  await e.saveModel({ dir });
  return { e, root, dir };
}

const code = (c: string, re?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
  assert.equal(err.code, c, err.message);
  if (re) assert.match(err.message, re);
  return true;
};

function view(name: string, over: Partial<Bookmark> = {}): Bookmark {
  return {
    version: 1,
    name,
    savedAt: '2000-01-01T00:00:00.000Z',
    set: 'both',
    projection: { method: 'pca', dims: 2 },
    camera: { position: [1, 2, 3], target: [0, 0, 0] },
    selection: { indices: [0, 3, 40], how: 'label 1' },
    picked: 5,
    marker: null,
    vectors: ['up'],
    hidden: [2],
    style: { size: 1.5, opacity: 0.6, uncertainty: 'size' },
    ...over,
  };
}

test('vectors: the model latent size only, unique names, written with the save and read back by open', async () => {
  const e = await engine();
  await assert.rejects(e.saveVector({ name: 'up', description: 'd', vector: [1, 2, 3] }), code('BAD_SHAPE', /has 3 values, but the model has 2 latent dims/));
  assert.deepEqual(await e.listVectors({}), []);
  await e.saveVector({ name: 'up', description: 'first', vector: [0, 1] });
  await e.saveVector({ name: 'right', description: 'r', vector: [1, 0] });
  // The same name replaces, in place.
  const list = await e.saveVector({ name: 'up', description: 'second', vector: [0, 2] });
  assert.deepEqual(
    list.map((v) => [v.name, v.description, v.vector]),
    [
      ['up', 'second', [0, 2]],
      ['right', 'r', [1, 0]],
    ],
  );
  await assert.rejects(e.deleteVector({ name: 'down' }), code('NOT_FOUND', /no vector named "down"/));

  const root = tempDir('le-keep-');
  const dir = path.join(root, 'model');
  await e.saveModel({ dir });
  const file = JSON.parse(readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { vectors: { name: string }[] };
  assert.deepEqual(
    file.vectors.map((v) => v.name),
    ['up', 'right'],
  );

  // With its folder up to date, a change is written there at once.
  await e.deleteVector({ name: 'right' });
  await e.saveVector({ name: 'left', description: 'l', vector: [-1, 0] });
  const now = JSON.parse(readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { vectors: { name: string }[] };
  assert.deepEqual(
    now.vectors.map((v) => v.name),
    ['up', 'left'],
  );
  assert.deepEqual(
    readdirSync(dir).sort(),
    ['decoder', 'encoder', 'manifest.json', 'optimizer.bin', 'optimizer.json', 'vectors.json'],
    'no temporary file left',
  );

  // Saved over its own folder (vectors.json is the model's own), and opened by another engine.
  await e.saveModel({ dir, replace: true });
  const other = await engine();
  await other.saveModel({ dir: path.join(root, 'second') });
  await other.saveVector({ name: 'stale', description: '', vector: [3, 3] });
  const opened = await other.openModel({ dir });
  assert.equal(opened.outcome, null);
  assert.deepEqual(
    (await other.listVectors({})).map((v) => [v.name, v.vector]),
    [
      ['up', [0, 2]],
      ['left', [-1, 0]],
    ],
    "the opened model's vectors, not the previous model's",
  );
});

test('vectors: at most LIMITS.vectors; an unsaved model keeps them in memory only', async () => {
  const e = await engine();
  for (let i = 0; i < LIMITS.vectors; i++) await e.saveVector({ name: `v${i}`, description: '', vector: [i, 1] });
  await assert.rejects(e.saveVector({ name: 'one more', description: '', vector: [0, 0] }), code('TOO_LARGE', /at most 64 vectors; delete one/));
  // Replacing one is still allowed at the limit.
  await e.saveVector({ name: 'v0', description: 'again', vector: [9, 9] });
  assert.equal((await e.listVectors({})).length, LIMITS.vectors);
  assert.equal((await e.getSession({})).modelDir, null);
});

test('vectors of unsaved training are kept in the autosave beside it, through later checkpoints, and come back with the reopened model', async () => {
  const dataDir = tempDir('le-data-');
  const e = await engine(dataDir);
  await e.saveVector({ name: 'thick', description: 'made here', vector: [1, -2] });
  const file = path.join(dataDir, 'autosave', 'vectors.json');
  assert.ok(existsSync(file), 'written beside the autosaved model at once');
  // Another epoch rewrites the autosave folder: the vectors go back in.
  await e.continueTraining({ epochs: 1 });
  while ((await e.getSession({})).status === 'running') await new Promise((r) => setTimeout(r, 20));
  assert.ok(existsSync(file), 'still there after the checkpoint');
  // A crash: a new engine on the same data folder offers the model back, with its vectors.
  const after = createEngine(() => undefined, { dataDir });
  await after.init();
  assert.notEqual((await after.getSession({})).recovery, null);
  await after.recoverAutosave({});
  assert.deepEqual(await after.listVectors({}), [{ name: 'thick', description: 'made here', vector: [1, -2] }]);
});

test('a vectors.json that is corrupt, huge, nested deep or a FIFO: the model opens without vectors, and a sentence says why', async () => {
  const { e, root, dir } = await savedEngine();
  const cases: [string, () => void, RegExp][] = [
    ['corrupt', () => writeFileSync(path.join(dir, 'vectors.json'), '{"format": "latent-explorer-vec'), /is not valid JSON/],
    [
      'huge',
      () => {
        writeFileSync(path.join(dir, 'vectors.json'), '');
        truncateSync(path.join(dir, 'vectors.json'), 100 * 1024 * 1024);
      },
      /too large for a list of attribute vectors/,
    ],
    ['deep', () => writeFileSync(path.join(dir, 'vectors.json'), '['.repeat(100_000) + ']'.repeat(100_000)), /nests deeper than 16 levels/],
    [
      'wrong length',
      () =>
        writeFileSync(
          path.join(dir, 'vectors.json'),
          JSON.stringify({ format: 'latent-explorer-vectors', version: 1, vectors: [{ name: 'x', description: '', vector: [1, 2, 3] }] }),
        ),
      /"x" has 3 values, but the model has 2 latent dims/,
    ],
    [
      'fifo',
      () => {
        rmSync(path.join(dir, 'vectors.json'));
        makeFifo(dir, 'vectors.json');
      },
      /is a FIFO \(named pipe\), not a list of attribute vectors/,
    ],
  ];
  for (const [what, put, re] of cases) {
    put();
    const before = snapshot(root);
    const s = await e.openModel({ dir });
    assert.equal(s.modelDir, dir, `${what}: the model opened`);
    assert.match(s.outcome ?? '', /^The model opened without its attribute vectors: /, what);
    assert.match(s.outcome ?? '', re, what);
    assert.deepEqual(await e.listVectors({}), [], what);
    assert.deepEqual(snapshot(root), before, `${what}: nothing was touched`);
  }
  // Saving a vector replaces the unusable file (the sentence said it would), atomically: the FIFO is renamed over, never opened.
  await e.saveVector({ name: 'up', description: '', vector: [0, 1] });
  assert.equal((JSON.parse(readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { vectors: unknown[] }).vectors.length, 1);
});

test('bookmarks need a model folder; saved, listed newest first, opened, replaced only when asked, deleted', async () => {
  const unsavedEngine = await engine();
  await assert.rejects(
    unsavedEngine.saveBookmark({ bookmark: view('a') }),
    code('BAD_REQUEST', /^Save the model first: a bookmark is kept beside it, in its folder\.$/),
  );
  assert.deepEqual(await unsavedEngine.listBookmarks({}), []);

  const { e, dir } = await savedEngine();
  assert.deepEqual(await e.listBookmarks({}), []);
  await e.saveBookmark({ bookmark: view('Sevens, close up') });
  await new Promise((r) => setTimeout(r, 5));
  const list = await e.saveBookmark({ bookmark: view('marker', { picked: null, marker: { z: [0.5, -1] }, selection: null, camera: null, style: null }) });
  assert.deepEqual(
    list.map((b) => b.name),
    ['marker', 'Sevens, close up'],
    'newest first',
  );
  assert.ok(!Number.isNaN(Date.parse(list[0]!.savedAt)) && list[0]!.savedAt > '2001', 'savedAt is set when saved');
  assert.deepEqual(readdirSync(path.join(dir, 'bookmarks')).sort(), ['marker.json', 'sevens-close-up.json']);

  const opened = await e.openBookmark({ name: 'Sevens, close up' });
  assert.deepEqual({ ...opened, savedAt: '' }, { ...view('Sevens, close up'), savedAt: '' });
  assert.deepEqual((await e.openBookmark({ name: 'marker' })).marker, { z: [0.5, -1] });

  await assert.rejects(e.saveBookmark({ bookmark: view('marker', { picked: 7 }) }), code('MODEL_EXISTS', /A bookmark named "marker" already exists/));
  assert.equal((await e.openBookmark({ name: 'marker' })).picked, null, 'refused: unchanged');
  await e.saveBookmark({ bookmark: view('marker', { picked: 7 }), replace: true });
  assert.equal((await e.openBookmark({ name: 'marker' })).picked, 7);
  // Another name that maps to the same file is never written over it, even with replace.
  await assert.rejects(
    e.saveBookmark({ bookmark: view('MARKER!'), replace: true }),
    code('BAD_REQUEST', /"marker" is kept in the same file \(marker\.json\) as "MARKER!" would be; choose another name/),
  );
  await assert.rejects(e.openBookmark({ name: 'MARKER!' }), code('NOT_FOUND', /no bookmark named "MARKER!"/));

  // What does not fit this model is refused with a sentence.
  await assert.rejects(
    e.saveBookmark({ bookmark: view('wide', { marker: { z: [1, 2, 3] } }) }),
    code('BAD_SHAPE', /latent point of 3 dims, but the model has 2/),
  );
  await assert.rejects(e.saveBookmark({ bookmark: view('far', { picked: 100_000 }) }), code('BAD_SHAPE', /image 100000, but the model's data has 160 images/));

  // Saving the model over its own folder keeps the bookmarks beside it.
  await e.saveModel({ dir, replace: true });
  assert.deepEqual(
    (await e.listBookmarks({})).map((b) => b.name),
    ['marker', 'Sevens, close up'],
  );

  await e.deleteBookmark({ name: 'marker' });
  assert.deepEqual(
    (await e.listBookmarks({})).map((b) => b.name),
    ['Sevens, close up'],
  );
  await assert.rejects(e.deleteBookmark({ name: 'marker' }), code('NOT_FOUND'));
});

test('at most LIMITS.bookmarks beside a model: a new one past that is refused, replacing one still works', async () => {
  const { e, dir } = await savedEngine();
  const folder = path.join(dir, 'bookmarks');
  mkdirSync(folder);
  for (let i = 1; i < LIMITS.bookmarks; i++) writeFileSync(path.join(folder, bookmarkFileName(`view ${i}`)), JSON.stringify(view(`view ${i}`)));
  assert.equal((await e.saveBookmark({ bookmark: view('the last') })).length, LIMITS.bookmarks, 'the last one that fits is kept');
  await assert.rejects(
    e.saveBookmark({ bookmark: view('one more') }),
    code('TOO_LARGE', new RegExp(`^This model already keeps ${LIMITS.bookmarks} bookmarks; delete some to save more\\.$`)),
  );
  assert.ok(!existsSync(path.join(folder, 'one-more.json')), 'refused: nothing written');
  // Replacing one keeps the count as it is, so it is allowed.
  await e.saveBookmark({ bookmark: view('view 7', { picked: 9 }), replace: true });
  assert.equal((await e.openBookmark({ name: 'view 7' })).picked, 9);
  await e.deleteBookmark({ name: 'view 1' });
  const list = await e.saveBookmark({ bookmark: view('one more') });
  assert.equal(list.length, LIMITS.bookmarks);
  assert.ok(list.some((b) => b.name === 'one more'));
});

test('bookmark names never reach outside bookmarks/: traversal, reserved and punctuation-only names', async () => {
  assert.equal(bookmarkFileName('../../etc/passwd'), 'etc-passwd.json');
  assert.equal(bookmarkFileName('..'), bookmarkFileName('..'));
  assert.match(bookmarkFileName('..'), /^bookmark-[0-9a-f]{12}\.json$/);
  assert.equal(bookmarkFileName('CON'), 'con-bookmark.json');
  assert.equal(bookmarkFileName('Zahl 7 — nah'), 'zahl-7-nah.json');
  assert.equal(bookmarkFileName('.hidden'), 'hidden.json');
  assert.ok(Buffer.byteLength(bookmarkFileName('語'.repeat(80))) <= 130);

  const { e, root, dir } = await savedEngine();
  // Where "../../etc/passwd" would land from bookmarks/ if it were taken as a path.
  mkdirSync(path.join(root, 'etc'));
  writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  const before = snapshot(root);
  for (const name of ['../../etc/passwd', '..', '.', 'C:\\Windows\\x', 'nul']) {
    await e.saveBookmark({ bookmark: view(name) });
    assert.equal((await e.openBookmark({ name })).name, name);
  }
  const after = snapshot(root);
  const added = Object.keys(after).filter((k) => !(k in before));
  assert.ok(
    added.every((k) => k === 'model/bookmarks' || /^model\/bookmarks\/[^/]+\.json$/.test(k)),
    `only bookmark files were added: ${added.join(', ')}`,
  );
  for (const [k, v] of Object.entries(before)) assert.equal(after[k], v, `${k} untouched`);
  assert.equal(Object.keys(snapshot(path.join(dir, 'bookmarks'))).length, 5);
});

test('hostile bookmark files: corrupt, 100 MB, a FIFO, nested deep, a newer version, a link for the folder: each refused with a sentence, the rest listed', async () => {
  assert.equal(jsonDepth('{"a": "[[[[", "b": [1, {"c": []}]}'), 4);
  const { e, root, dir } = await savedEngine();
  await e.saveBookmark({ bookmark: view('good') });
  const folder = path.join(dir, 'bookmarks');
  writeFileSync(path.join(folder, 'corrupt.json'), '{"version": 1, "name": "corrupt", ');
  writeFileSync(path.join(folder, 'huge.json'), '');
  truncateSync(path.join(folder, 'huge.json'), 100 * 1024 * 1024);
  makeFifo(folder, 'pipe.json');
  writeFileSync(path.join(folder, 'deep.json'), '{"version": 1, "name": "deep", "x": ' + '['.repeat(50_000) + ']'.repeat(50_000) + '}');
  writeFileSync(path.join(folder, 'future.json'), JSON.stringify({ ...view('future'), version: 2 }));
  writeFileSync(path.join(folder, 'strange.json'), JSON.stringify({ ...view('strange'), camera: { position: [1, 2], target: 'x' } }));
  mkdirSync(path.join(folder, 'folder.json'));
  const before = snapshot(root);

  assert.deepEqual(
    (await e.listBookmarks({})).map((b) => b.name),
    ['good'],
    'unreadable files are passed over',
  );
  await assert.rejects(e.openBookmark({ name: 'corrupt' }), code('BAD_FILE', /corrupt\.json is not valid JSON, so it cannot be a bookmark/));
  await assert.rejects(e.openBookmark({ name: 'huge' }), code('TOO_LARGE', /huge\.json is 104857600 bytes, too large for a bookmark/));
  await assert.rejects(e.openBookmark({ name: 'pipe' }), code('BAD_FILE', /pipe\.json is a FIFO \(named pipe\), not a bookmark; it was left as it is/));
  await assert.rejects(e.openBookmark({ name: 'deep' }), code('BAD_FILE', /deep\.json nests deeper than 16 levels/));
  await assert.rejects(e.openBookmark({ name: 'future' }), code('BAD_FILE', /bookmark of version 2, from a newer Latent Explorer; this one reads version 1/));
  await assert.rejects(e.openBookmark({ name: 'strange' }), code('BAD_FILE', /strange\.json is not a Latent Explorer bookmark \(.*camera/));
  await assert.rejects(e.openBookmark({ name: 'folder' }), code('BAD_FILE', /folder\.json is a folder, not a bookmark/));
  // Writing over what is not a bookmark file, or over an unreadable one without a say, is refused too.
  await assert.rejects(
    e.saveBookmark({ bookmark: view('pipe'), replace: true }),
    code('BAD_FILE', /is a FIFO \(named pipe\), not a bookmark file; it was left as it is/),
  );
  await assert.rejects(e.saveBookmark({ bookmark: view('corrupt') }), code('MODEL_EXISTS', /already exists and is not a readable bookmark/));
  await assert.rejects(e.deleteBookmark({ name: 'pipe' }), code('BAD_FILE'));
  assert.deepEqual(snapshot(root), before, 'nothing was touched');

  // A FIFO in bookmarks/ would be lost with the old folder: saving over it is refused, untouched.
  await assert.rejects(
    e.saveModel({ dir, replace: true }),
    code('WRITE_FAILED', /is not a bookmark, and saving over this model folder would lose it; nothing was touched/),
  );
  assert.deepEqual(snapshot(root), before, 'the refused save touched nothing');
  assert.ok(!readdirSync(root).some((n) => n.startsWith('.')), 'no temporary folder left');
});

test('a link standing for bookmarks/ is never followed', async () => {
  const { e, root, dir } = await savedEngine();
  const elsewhere = tempDir('le-elsewhere-');
  symlinkSync(elsewhere, path.join(dir, 'bookmarks'));
  const before = snapshot(root);
  await assert.rejects(e.saveBookmark({ bookmark: view('x') }), code('BAD_FILE', /bookmarks is a link; bookmarks are kept only in a real folder/));
  await assert.rejects(e.listBookmarks({}), code('BAD_FILE', /is a link/));
  assert.deepEqual(readdirSync(elsewhere), []);
  assert.deepEqual(snapshot(root), before);
  assert.ok(existsSync(path.join(dir, 'manifest.json')));
});

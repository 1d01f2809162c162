import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EventName, Payload } from '../../src/contract/index.js';
import type { Session } from '../../src/contract/schemas.js';
import { createEngine, type Engine as EngineApiImpl } from '../../src/engine/engine-service.js';
import { SerialQueue } from '../../src/engine/queue.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { UserError } from '../../src/contract/errors.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder, writeUserFiles } from '../helpers/fixtures.js';

// The engine's session rules, without any transport: saves that never destroy,
// unsaved models that are never dropped without a say, the autosave a restart
// offers back, and a queue no stuck request can block.
let dataFolder: string;
before(async () => {
  await setupTf();
  dataFolder = writeSyntheticFolder({ train: 128, test: 32, h: 8, w: 6 });
});

interface Engine {
  service: EngineApiImpl;
  sessions: Session[];
  statuses: string[];
}

async function engine(dataDir = tempDir('le-data-')): Promise<Engine & { dataDir: string }> {
  const sessions: Session[] = [];
  const statuses: string[] = [];
  const service = createEngine(
    <E extends EventName>(name: E, payload: Payload<E>) => {
      if (name === 'session') sessions.push(payload as Session);
      if (name === 'status') statuses.push((payload as Payload<'status'>).status);
    },
    { dataDir },
  );
  await service.init();
  return { service, sessions, statuses, dataDir };
}

const start = (e: Engine, discard?: boolean, latentDim = 2) =>
  e.service.startTraining({
    data: { kind: 'folder', path: dataFolder },
    model: { latentDim, hidden: [16], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { ...DEFAULT_TRAIN, epochs: 1, batchSize: 32 },
    ...(discard === undefined ? {} : { discard }),
  });

async function finished(e: Engine): Promise<void> {
  for (let i = 0; i < 600 && !['done', 'stopped', 'failed'].includes(e.statuses.at(-1) ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(e.statuses.at(-1), 'done');
}

const code = (c: string, re?: RegExp) => (err: unknown) => err instanceof UserError && err.code === c && (!re || re.test(err.message));

test('a trained model is unsaved until saved; a new one, or opening another, needs the user to discard it', async () => {
  const e = await engine();
  const first = await start(e);
  await finished(e);
  const s = await e.service.getSession({});
  assert.equal(s.unsaved, true);
  assert.ok(s.modelId > 0 && s.modelId === first.modelId);
  await assert.rejects(start(e), code('UNSAVED', /\(synthetic|latent 2, hidden 16, 1 epoch\).*not saved/));
  await assert.rejects(e.service.openModel({ dir: '/nowhere' }), code('UNSAVED'));
  assert.equal((await e.service.getSession({})).modelId, first.modelId, 'the model was kept');

  const dir = path.join(tempDir(), 'm');
  const saved = await e.service.saveModel({ dir });
  assert.equal(saved.modelDir, path.resolve(dir));
  assert.equal(saved.unsaved, false);
  const second = await start(e, undefined, 3);
  assert.ok(second.modelId > first.modelId);
  await finished(e);
  // Every change reached the listeners as a whole session.
  assert.ok(e.sessions.some((x) => x.modelId === second.modelId && x.model?.latentDim === 3));
  await start(e, true);
  await finished(e);
});

test('a save goes only to a new path, an empty folder, or (when asked) over a model; user files stay byte for byte', async () => {
  const e = await engine();
  await start(e);
  await finished(e);
  const root = tempDir();
  const user = writeUserFiles(root);
  await assert.rejects(
    e.service.saveModel({ dir: user.folder, replace: true }),
    code('WRITE_FAILED', /holds taxes, thesis\.tex, which is not a Latent Explorer model; nothing in it was touched/),
  );
  await assert.rejects(e.service.saveModel({ dir: user.file, replace: true }), code('WRITE_FAILED', /is a file, not a folder; it was left as it is/));
  user.assertUnchanged();

  const empty = path.join(root, 'empty');
  mkdirSync(empty);
  await e.service.saveModel({ dir: empty });
  assert.ok(existsSync(path.join(empty, 'manifest.json')));
  const before = readFileSync(path.join(empty, 'manifest.json'));
  await assert.rejects(e.service.saveModel({ dir: empty }), code('MODEL_EXISTS', /already holds a model \(synthetic|latent 2/));
  assert.deepEqual(readFileSync(path.join(empty, 'manifest.json')), before, 'refused: unchanged');
  await new Promise((r) => setTimeout(r, 5));
  const s = await e.service.saveModel({ dir: empty, replace: true });
  assert.equal(s.modelDir, empty);
  assert.notDeepEqual(readFileSync(path.join(empty, 'manifest.json')), before, 'replaced when asked (a new savedAt)');
  assert.deepEqual(readdirSync(root).sort(), ['.bashrc', 'empty', 'thesis'], 'no temporary folder left behind');
});

test('every epoch is autosaved; a restarted engine offers the model back, and discarding it is remembered', async () => {
  const a = await engine();
  await start(a);
  await finished(a);
  assert.ok(existsSync(path.join(a.dataDir, 'autosave', 'manifest.json')));
  assert.equal((await a.service.getSession({})).autosaveError, null);

  const b = await engine(a.dataDir);
  const offer = (await b.service.getSession({})).recovery;
  assert.ok(offer, 'the restarted engine offers the autosave');
  assert.match(offer.description, /latent 2, hidden 16, 1 epoch/);
  await assert.rejects(start(b), code('UNSAVED', /last session/), 'a new training does not bury it silently');
  const back = await b.service.recoverAutosave({});
  assert.equal(back.history.length, 1);
  assert.equal(back.unsaved, true);
  assert.equal(back.modelDir, null);
  assert.equal(back.recovery, null);
  const pts = await b.service.latentPoints({});
  assert.equal(pts.count, 32);

  // Still unsaved, so a third engine offers it again; once discarded, never.
  const c = await engine(a.dataDir);
  assert.ok((await c.service.getSession({})).recovery);
  await c.service.discardAutosave({});
  assert.equal((await c.service.getSession({})).recovery, null);
  const d = await engine(a.dataDir);
  assert.equal((await d.service.getSession({})).recovery, null);
});

test('a model saved by the user is not offered after a restart', async () => {
  const a = await engine();
  await start(a);
  await finished(a);
  await a.service.saveModel({ dir: path.join(tempDir(), 'kept') });
  const b = await engine(a.dataDir);
  assert.equal((await b.service.getSession({})).recovery, null);
});

test('an autosave that cannot be written is reported and training goes on', async () => {
  const blocked = tempDir('le-data-');
  writeFileSync(path.join(blocked, 'autosave'), 'a file where the autosave folder should be');
  const e = await engine(blocked);
  await start(e);
  await finished(e);
  const s = await e.service.getSession({});
  assert.equal(s.history.length, 1);
  assert.match(s.autosaveError ?? '', /autosave .* failed: .*is a file, not a folder/);
});

test('decoding more points than one reply may carry is refused with a sentence', async () => {
  const e = await engine();
  await start(e);
  await finished(e);
  await assert.rejects(e.service.decode({ z: new Float32Array(2 * 5000) }), code('TOO_LARGE', /Decoding 5000 points at once/));
  const ok = await e.service.decode({ z: new Float32Array(2 * 10) });
  assert.equal(ok.count, 10);
});

test('a stuck state-changing request is abandoned at its deadline and the next one runs', async () => {
  const q = new SerialQueue(200);
  let sawAbort = false;
  const stuck = q.run('Opening the model', (signal) => new Promise<never>(() => signal.addEventListener('abort', () => (sawAbort = true))));
  const next = q.run('Saving', async () => 'saved');
  await assert.rejects(stuck, code('TIMEOUT', /Opening the model took longer than 0.2 s and was abandoned; nothing changed/));
  assert.equal(await next, 'saved');
  assert.equal(sawAbort, true, 'the stuck job was told to stop');
  // Order holds for jobs that do finish.
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3].map((i) =>
      q.run('job', async () => {
        await new Promise((r) => setTimeout(r, 10 * (4 - i)));
        order.push(i);
      }),
    ),
  );
  assert.deepEqual(order, [1, 2, 3]);
});

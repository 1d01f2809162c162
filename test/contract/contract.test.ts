import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../src/contract/limits.js';
import { RpcError } from '../../src/rpc/client.js';
import type { Payload } from '../../src/contract/index.js';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import { electronIpc, inMemory, webSocket, workerPort, type Connection } from './transports.js';

const dataDir = writeSyntheticFolder({ train: 256, test: 64, h: 8, w: 6 });

async function waitFor<T>(what: string, check: () => T | undefined, ms = 60000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof RpcError && e.code === code && (!pattern || pattern.test(e.message)));
}

const transports: [string, () => Promise<Connection>][] = [
  ['in-memory pair', inMemory],
  ['engine worker port', workerPort],
  ['WebSocket', webSocket],
  ['Electron IPC bridge', electronIpc],
];

for (const [name, connect] of transports) {
  describe(`contract over ${name}`, () => {
    let c: Connection;
    const statuses: Payload<'status'>[] = [];
    const epochs: Payload<'epoch'>[] = [];
    let progress = 0;
    before(async () => {
      c = await connect();
      c.client.on('status', (s) => statuses.push(s));
      c.client.on('epoch', (e) => epochs.push(e));
      c.client.on('progress', () => progress++);
    });
    after(async () => c.close());

    test('reports the session and the datasets', async () => {
      const s = await c.client.getSession({});
      assert.equal(s.status, 'idle');
      assert.match(s.backend, /^(wasm( \(\d threads\))?|tensorflow|cpu)$/);
      const ds = await c.client.listDatasets({});
      assert.deepEqual(
        ds.map((d) => d.id),
        ['mnist', 'fashion'],
      );
      assert.equal(ds[0]!.available, true);
      await rejectsWith(c.client.latentPoints({}), 'BAD_REQUEST', /no model yet/);
    });

    test('trains with progress, epoch and status events', async () => {
      const s = await c.client.startTraining({
        data: { kind: 'folder', path: dataDir },
        model: { latentDim: 3, hidden: [32], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
        training: { epochs: 2, batchSize: 32, learningRate: 0.01, beta: 1, warmupEpochs: 0, seed: 1, limit: 0 },
      });
      assert.equal(s.status, 'running');
      assert.equal(s.model?.height, 8);
      await rejectsWith(
        c.client.startTraining({
          data: { kind: 'mnist' },
          model: { latentDim: 3, hidden: [32], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
          training: { epochs: 1, batchSize: 32, learningRate: 0.01, beta: 1, warmupEpochs: 0, seed: 1, limit: 0 },
        }),
        'BUSY',
      );
      await waitFor('training to finish', () => statuses.find((x) => x.status === 'done'));
      assert.equal(epochs.length, 2);
      assert.ok(progress > 0);
      const after = await c.client.getSession({});
      assert.equal(after.history.length, 2);
    });

    test('latent points and images cross as typed arrays, and decode agrees with reconstruct', async () => {
      const pts = await c.client.latentPoints({});
      assert.ok(pts.mean instanceof Float32Array && pts.positions instanceof Float32Array && pts.labels instanceof Int32Array);
      assert.equal(pts.count, 64);
      assert.equal(pts.positions.length, 64 * 3);
      assert.equal(pts.projection.method, 'identity');
      const i = 5;
      const z = pts.mean.slice(i * 3, i * 3 + 3);
      const dec = await c.client.decode({ z });
      assert.ok(dec.pixels instanceof Float32Array);
      const rec = await c.client.reconstruct({ index: i, samples: 3, seed: 9 });
      assert.deepEqual(Array.from(rec.mean.z), Array.from(z));
      assert.deepEqual(Array.from(dec.pixels), Array.from(rec.mean.image.pixels));
      assert.equal(rec.samples.images.count, 3);
      assert.notDeepEqual(Array.from(rec.samples.z.slice(0, 3)), Array.from(z));
      const imgs = await c.client.testImages({ indices: [i] });
      assert.deepEqual(Array.from(imgs.pixels), Array.from(rec.original.pixels));
    });

    test('malformed messages get error replies and the server keeps serving', async () => {
      const reply = async (msg: unknown) => {
        const before = c.raw.length;
        c.sendRaw(msg);
        return waitFor('a reply', () => c.raw.slice(before).find((m) => (m as { t?: string }).t === 'res')) as Promise<{
          ok: boolean;
          id: number | null;
          error?: { code: string; message: string };
        }>;
      };
      let r = await reply({ t: 'req', id: 9001, method: 'frobnicate', input: {} });
      assert.deepEqual([r.ok, r.id, r.error?.code], [false, 9001, 'UNKNOWN_METHOD']);
      r = await reply({ t: 'req', id: 9002, method: 'decode', input: { z: [1, 2, 3] } });
      assert.deepEqual([r.ok, r.error?.code], [false, 'BAD_REQUEST']);
      assert.match(r.error!.message, /z: expected a Float32Array/);
      r = await reply({ t: 'req', id: 9003, method: 'reconstruct', input: { index: 1 } });
      assert.match(r.error!.message, /samples/);
      // Just over the largest legitimate request, and under every transport's frame cap.
      r = await reply({ t: 'req', id: 9004, method: 'decode', input: { z: new Float32Array(LIMITS.decodePoints * LIMITS.latentDim + 3) } });
      assert.deepEqual([r.ok, r.error?.code], [false, 'TOO_LARGE']);
      r = await reply('just a string');
      assert.deepEqual([r.ok, r.id, r.error?.code], [false, null, 'BAD_REQUEST']);
      r = await reply({ hello: 'world' });
      assert.deepEqual([r.ok, r.id, r.error?.code], [false, null, 'BAD_REQUEST']);
      r = await reply({ t: 'req', id: 9005, method: 'decode', input: { z: new Float32Array([1, 2]) } });
      assert.match(r.error!.message, /multiple of 3/);
      // Still serving.
      const s = await c.client.getSession({});
      assert.equal(s.status, 'done');
    });
  });
}

test('over the WebSocket, a text frame that is not JSON gets an error reply', async () => {
  const c = await webSocket();
  c.sendText('{oops');
  const r = (await waitFor('a reply', () => c.raw.find((m) => (m as { t?: string }).t === 'res'))) as { ok: boolean; error: { message: string } };
  assert.equal(r.ok, false);
  assert.match(r.error.message, /not valid JSON/);
  c.sendText(JSON.stringify({ t: 'req', id: 1, method: 'listDatasets', input: {} }));
  const ok = (await waitFor('a second reply', () => c.raw.find((m) => (m as { id?: number }).id === 1))) as { ok: boolean };
  assert.equal(ok.ok, true);
  await c.close();
});

test('state-changing requests run in the order they came: an open still loading does not land on a later training', async () => {
  const c = await inMemory();
  const training = { epochs: 1, batchSize: 64, learningRate: 0.01, beta: 1, warmupEpochs: 0, seed: 1, limit: 0 };
  const model = { latentDim: 2, hidden: [16], activation: 'relu' as const, likelihood: 'bernoulli' as const, sigma: 0.1 };
  await c.client.startTraining({ data: { kind: 'folder', path: dataDir }, model, training });
  await waitFor('the first run', () => (c.raw.some((m) => (m as { payload?: { status?: string } }).payload?.status === 'done') ? true : undefined));
  const dir = `${dataDir}-model`;
  await c.client.saveModel({ dir });
  // Fire both without waiting: the open (slower, it loads files) must finish before the new training starts.
  const opened = c.client.openModel({ dir });
  const started = c.client.startTraining({ data: { kind: 'folder', path: dataDir }, model: { ...model, latentDim: 3 }, training });
  await opened;
  const s = await started;
  assert.equal(s.model?.latentDim, 3);
  assert.equal((await c.client.getSession({})).model?.latentDim, 3);
  await c.close();
});

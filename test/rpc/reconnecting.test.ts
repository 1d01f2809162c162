import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createClient, RpcError } from '../../src/rpc/client.js';
import { decodeMessage, encodeMessage } from '../../src/rpc/codec.js';
import { reconnectingEndpoint, type LinkStatus, type LiveSocket } from '../../src/rpc/reconnecting-endpoint.js';
import type { RequestMessage } from '../../src/rpc/wire.js';

// A stand-in engine over a real WebSocket: answers getSession with its own
// generation, never answers anything else, and greets each connection with an event.
async function stubServer(port: number, generation: number): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.send(encodeMessage({ t: 'evt', name: 'latentChanged', payload: { epoch: generation, batch: 0 } }));
    ws.on('message', (data: Buffer) => {
      const req = decodeMessage(new Uint8Array(data)) as RequestMessage;
      if (req.method === 'getSession') ws.send(encodeMessage({ t: 'res', id: req.id, ok: true, value: { generation } }));
    });
  });
  return {
    port: (wss.address() as AddressInfo).port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** A clock the test advances by hand: it sees every wait asked for. */
function manualClock() {
  const waits: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    waits,
    schedule: (fn: () => void, ms: number) => {
      const w = { ms, fn, cancelled: false };
      waits.push(w);
      return () => void (w.cancelled = true);
    },
    fireLast() {
      const w = waits.at(-1)!;
      assert.equal(w.cancelled, false);
      w.fn();
    },
  };
}

const open = (port: number) => () => new WebSocket(`ws://127.0.0.1:${port}/`) as unknown as LiveSocket;

function nextStatus(ep: { onStatus(h: (s: LinkStatus) => void): () => void }): Promise<LinkStatus> {
  return new Promise((resolve) => {
    const off = ep.onStatus((s) => {
      off();
      resolve(s);
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('reconnects after a drop with a doubling wait capped at 5 s, and one client carries on over the new socket', async () => {
  let server = await stubServer(0, 1);
  const port = server.port;
  const clock = manualClock();
  const ep = reconnectingEndpoint({ open: open(port), schedule: clock.schedule });
  cleanups.push(() => ep.close());
  const seen: number[] = [];
  const client = createClient(ep);
  client.on('latentChanged', (e) => seen.push(e.epoch));
  await ep.opened;
  ep.onStatus((s) => {
    if (s.state === 'lost' && s.failures === 0) client.close('The connection to the engine was lost.');
  });
  assert.deepEqual(await client.getSession({}), { generation: 1 });
  assert.deepEqual(ep.status(), { state: 'open', failures: 0 });

  const hanging = client.listDatasets({}).catch((e: unknown) => e);
  const lost = nextStatus(ep);
  await server.close();
  assert.deepEqual(await lost, { state: 'lost', failures: 0 });
  const dropped = await hanging;
  assert.ok(dropped instanceof RpcError && dropped.code === 'DISCONNECTED', 'a call pending at the drop is rejected');
  await assert.rejects(client.getSession({}), (e: unknown) => e instanceof RpcError && e.code === 'DISCONNECTED');

  // Every try while the server is down fails, and the wait grows.
  for (let failures = 1; failures <= 5; failures++) {
    const next = nextStatus(ep);
    clock.fireLast();
    assert.deepEqual(await next, { state: 'lost', failures });
  }
  assert.deepEqual(
    clock.waits.map((w) => w.ms),
    [500, 1000, 2000, 4000, 5000, 5000],
  );

  server = await stubServer(port, 2);
  cleanups.push(() => server.close());
  const back = nextStatus(ep);
  clock.fireLast();
  assert.deepEqual(await back, { state: 'open', failures: 0 });
  assert.deepEqual(await client.getSession({}), { generation: 2 }, 'the same client talks to the new server');
  assert.deepEqual(seen, [1, 2], 'events from both sockets reached the same handler');
});

test('a first connection that fails rejects `opened` and does not retry', async () => {
  const probe = await stubServer(0, 1);
  await probe.close();
  const clock = manualClock();
  const ep = reconnectingEndpoint({ open: open(probe.port), schedule: clock.schedule });
  await assert.rejects(ep.opened, /Cannot reach the engine/);
  assert.equal(clock.waits.length, 0);
  assert.throws(
    () => ep.send({ t: 'req', id: 1, method: 'getSession', input: {} }),
    (e: unknown) => e instanceof RpcError && e.code === 'DISCONNECTED',
  );
});

test('close() stops the tries', async () => {
  const server = await stubServer(0, 1);
  const clock = manualClock();
  const ep = reconnectingEndpoint({ open: open(server.port), schedule: clock.schedule });
  await ep.opened;
  const lost = nextStatus(ep);
  await server.close();
  await lost;
  assert.equal(clock.waits.length, 1);
  ep.close();
  assert.equal(clock.waits[0]!.cancelled, true);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, mkdirSync, openSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serve, type RunningServer } from '../../src/web/web-server.js';
import { MAX_BUFFERED } from '../../src/web/relay.js';
import { LIMITS, MAX_REQUEST_BYTES } from '../../src/contract/limits.js';
import { SessionSchema, type Session } from '../../src/contract/schemas.js';
import { encodeMessage } from '../../src/rpc/codec.js';
import { MAX_MODEL_PARAMETERS, parameterCount } from '../../src/model/capacity.js';
import { builtInMnistDir } from '../../src/data/load.js';
import { makeFifo, tempDir } from '../helpers/fixtures.js';
import { MB, MemoryLog } from './memory.js';
import { rawExchange, startChildServer } from './child-server.js';
import { snapshot, writeUserFiles, type UserFiles } from './files.js';
import { closeCodeAfter, deafSocket, httpGet, maskedFrame, pack, rawUpgrade, tryOpen, WireClient, type Reply } from './wire.js';

// One real `latent-explorer serve` (server, relay and engine thread, in this
// process) under attack from clients that break every rule. After each attack
// the server must still answer, the process's memory must be back near where
// it was, and the user's files must be exactly as they were. Requests that
// could take a whole process down, or hold the engine's queue for minutes, go
// to a `latent-explorer serve` process of their own instead.

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const fmt = (n: number) => n.toLocaleString('en-US');

/** What an attack may leave behind in resident memory, and may reach while it runs. */
const RETAINED_LIMIT = 300 * MB;
const PEAK_LIMIT = 1024 * MB;

let server: RunningServer;
const logLines: string[] = [];
const memory = new MemoryLog();
let work: string;
let user: UserFiles;
let userSnapshot: Record<string, string>;
let engineId: string;

const MODEL = { latentDim: 3, hidden: [32], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 } as const;
const TRAINING = { epochs: 1, batchSize: 100, learningRate: 0.001, beta: 1, warmupEpochs: 0, seed: 7, limit: 500 } as const;

function sessionOf(value: unknown): Session {
  return SessionSchema.parse(value);
}

function connect(headers: Record<string, string> = {}): Promise<WireClient> {
  return WireClient.open(server.rpcUrl, headers);
}

/** A refusal: not ok, a code, and a sentence a person can read. */
function refused(r: Reply, code?: string): { code: string; message: string } {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r).slice(0, 300)}`);
  assert.ok(r.error, 'a refusal carries an error');
  if (code !== undefined) assert.equal(r.error.code, code, r.error.message);
  assert.match(r.error.message, /^\S.{15,}[.!?)]$/s, `not a sentence: ${r.error.message}`);
  return r.error;
}

/** Polls the session until no training runs (at most a minute). */
async function waitIdle(c: WireClient): Promise<Session> {
  const end = Date.now() + 60_000;
  for (;;) {
    const s = sessionOf(await c.call('getSession', {}));
    if (!['running', 'paused', 'stopping'].includes(s.status)) return s;
    if (Date.now() > end) throw new Error(`training still ${s.status} after a minute`);
    await sleep(100);
  }
}

/** Trains a tiny MNIST model to the end; returns the session. */
async function trainTiny(c: WireClient, latentDim = 3): Promise<Session> {
  const r = await c.request(
    'startTraining',
    { data: { kind: 'mnist' }, model: { ...MODEL, latentDim }, training: TRAINING, discard: true },
    { timeoutMs: 60_000 },
  );
  assert.ok(r.ok, `startTraining failed: ${r.error?.code} ${r.error?.message}`);
  const s = await waitIdle(c);
  assert.equal(s.status, 'done', s.error ?? '');
  assert.equal(s.model?.latentDim, latentDim);
  return s;
}

function logged(pattern: RegExp): string[] {
  return logLines.filter((l) => pattern.test(l));
}

/**
 * Runs one attack between memory readings, then checks that a fresh authorised
 * client is answered, that memory came back, and that the user's files are untouched.
 */
async function attack(name: string, fn: () => Promise<void>, peakLimit = PEAK_LIMIT): Promise<void> {
  const { figures } = await memory.measure(name, fn, RETAINED_LIMIT);
  const fresh = await connect();
  try {
    const s = sessionOf(await fresh.call('getSession', {}, { timeoutMs: 30_000 }));
    assert.equal(s.engineId, engineId, 'the engine is the one that started with the server');
  } finally {
    await fresh.close();
  }
  assert.deepEqual(snapshot(user.root), userSnapshot, "the user's files changed");
  assert.ok(
    figures.after - figures.before < RETAINED_LIMIT,
    `${name}: ${((figures.after - figures.before) / MB).toFixed(0)} MB more resident memory after the attack`,
  );
  assert.ok(
    figures.peak - figures.before < peakLimit,
    `${name}: resident memory rose by ${((figures.peak - figures.before) / MB).toFixed(0)} MB during the attack`,
  );
}

before(async () => {
  work = tempDir('le-hostile-');
  user = writeUserFiles(path.join(work, 'home'));
  userSnapshot = snapshot(user.root);
  server = await serve({ port: 0, host: '127.0.0.1', dataDir: tempDir('le-data-'), log: (line) => logLines.push(line) });
  const c = await connect();
  try {
    // A model to attack with (testImages, saves); training also brings MNIST
    // and the wasm heap into memory, so the attacks' figures start warm.
    const s = await trainTiny(c);
    engineId = s.engineId;
  } finally {
    await c.close();
  }
});

after(async () => {
  console.log(`\nresident memory around each attack (this process hosts the server and the engine):\n${memory.table()}\n`);
  await server?.close();
});

test("1. foreign, null and look-alike origins cannot open the WebSocket; the server's own can", { timeout: 120_000 }, () =>
  attack('1 origins', async () => {
    const p = server.port;
    const other = p === 65535 ? p - 1 : p + 1;
    const foreign = [
      'https://evil.example',
      'null',
      `http://127.0.0.1:${p}.evil.example`,
      `http://127.0.0.1.evil.example:${p}`,
      `http://localhost:${p}@evil.example`,
      `http://127.0.0.1:${other}`,
      `http://localhost:${other}`,
      `http://127.0.0.1`,
      `http://evil.example:${p}`,
      `http://127.0.0.2:${p}`,
      `http://0x7f000001:${p}`,
      `http://127.1:${p}`,
      `http://127.0.0.1:${p}/evil`,
      `ws://127.0.0.1:${p}`,
      `file://`,
      `chrome-extension://abcdefghijklmnop`,
    ];
    assert.equal(new URL(`http://localhost:${p}@evil.example`).hostname, 'evil.example');
    const before = logged(/refused a WebSocket from origin/).length;
    for (const origin of foreign) {
      assert.deepEqual(await tryOpen(server.rpcUrl, { Origin: origin }), { opened: false, status: 403 }, origin);
    }
    // A page elsewhere cannot borrow the cookie either.
    const cookie = `latent-explorer-token-${p}=${server.token}`;
    assert.deepEqual(await tryOpen(`ws://127.0.0.1:${p}/rpc`, { Origin: 'https://evil.example', Cookie: cookie }), { opened: false, status: 403 });
    assert.equal(logged(/refused a WebSocket from origin/).length - before, foreign.length + 1, 'each refusal is logged');

    // The server's own origin (and the other loopback name it answers to) opens, and is served.
    for (const origin of [server.origin, `http://localhost:${p}`]) {
      const c = await connect({ Origin: origin });
      try {
        assert.equal(sessionOf(await c.call('getSession', {})).engineId, engineId);
      } finally {
        await c.close();
      }
    }
    // So does a script, which sends no Origin at all.
    assert.deepEqual(await tryOpen(server.rpcUrl), { opened: true });
  }),
);

test('2. DNS rebinding: a foreign Host is refused even with the token; the right Host trades the token for a cookie', { timeout: 120_000 }, () =>
  attack('2 host', async () => {
    const p = server.port;
    const token = server.token;
    const cookie = `latent-explorer-token-${p}=${token}`;
    const badHosts = [`evil.example:${p}`, 'evil.example', `127.0.0.1`, `127.0.0.1:${p}.evil.example`, `127.0.0.2:${p}`, `localhost.:${p}`];
    const before = logged(/refused a (request|WebSocket) for host/).length;
    for (const host of badHosts) {
      for (const [pathAndQuery, extra] of [
        [`/?token=${token}`, {}],
        ['/', { Cookie: cookie }],
        ['/', { Authorization: `token ${token}` }],
      ] as const) {
        const r = await httpGet(p, pathAndQuery, { Host: host, ...extra });
        assert.equal(r.status, 403, `GET ${pathAndQuery} with Host ${host}`);
        assert.equal(r.headers['set-cookie'], undefined);
        assert.ok(!r.body.includes(token) && !/<html/i.test(r.body), 'a refusal shows neither the app nor the token');
      }
      assert.equal(await rawUpgrade(p, `/rpc?token=${token}`, { Host: host }), 403, `upgrade with Host ${host}`);
      assert.equal(await rawUpgrade(p, '/rpc', { Host: host, Cookie: cookie }), 403, `upgrade with Host ${host} and the cookie`);
    }
    assert.equal(logged(/refused a (request|WebSocket) for host/).length - before, badHosts.length * 5, 'each refusal is logged');

    // No Host at all is not served either.
    const noHost = await httpGet(p, `/?token=${token}`, {});
    assert.ok(noHost.status === 400 || noHost.status === 403, `no Host: ${noHost.status}`);

    const host = `127.0.0.1:${p}`;
    const bare = await httpGet(p, '/', { Host: host });
    assert.equal(bare.status, 401);
    assert.match(bare.body, /token/);
    assert.equal(bare.headers['set-cookie'], undefined);
    assert.equal(await rawUpgrade(p, '/rpc', { Host: host }), 401);

    const traded = await httpGet(p, `/?token=${token}`, { Host: host });
    assert.equal(traded.status, 303);
    assert.equal(traded.headers.location, '/', 'the token leaves the address bar');
    const setCookie = traded.headers['set-cookie'] ?? [];
    assert.equal(setCookie.length, 1);
    const attrs = setCookie[0]!.split(';').map((s) => s.trim());
    assert.equal(attrs[0], cookie, 'the cookie is named for this port and holds the token');
    assert.ok(attrs.includes('HttpOnly'), setCookie[0]);
    assert.ok(
      attrs.some((a) => /^SameSite=Strict$/i.test(a)),
      setCookie[0],
    );
    const deep = await httpGet(p, `/some/page?x=1&token=${token}`, { Host: host });
    assert.equal(deep.status, 303);
    assert.equal(deep.headers.location, '/some/page?x=1');

    for (const h of [host, `localhost:${p}`, `[::1]:${p}`]) {
      const page = await httpGet(p, '/', { Host: h, Cookie: cookie });
      assert.equal(page.status, 200, `Host ${h} with the cookie`);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /<title>Latent Explorer<\/title>/);
      assert.ok(!page.body.includes(token), 'the page does not carry the token');
    }
    const byHeader = await httpGet(p, '/', { Host: host, Authorization: `token ${token}` });
    assert.equal(byHeader.status, 200);
    assert.match(byHeader.body, /<title>Latent Explorer<\/title>/);
    assert.equal(await rawUpgrade(p, '/rpc', { Host: host, Cookie: cookie }), 101);

    // A cookie for another port, or a wrong one, is no token.
    assert.equal((await httpGet(p, '/', { Host: host, Cookie: `latent-explorer-token-${p + 1}=${token}` })).status, 401);
    assert.equal((await httpGet(p, '/', { Host: host, Cookie: `latent-explorer-token-${p}=${'0'.repeat(token.length)}` })).status, 401);
  }),
);

test('3. an upgrade without the right token is refused and never opens', { timeout: 120_000 }, () =>
  attack('3 token', async () => {
    const p = server.port;
    const base = `ws://127.0.0.1:${p}/rpc`;
    const t = server.token;
    const sameLength = t.slice(0, -1) + (t.endsWith('0') ? '1' : '0');
    const other = await serve({ port: 0, host: '127.0.0.1', dataDir: tempDir('le-data-'), log: () => undefined });
    try {
      assert.notEqual(other.token, t);
      const attempts: [string, string, Record<string, string>][] = [
        ['no token', base, {}],
        ['an empty token', `${base}?token=`, {}],
        ['a wrong token', `${base}?token=wrong`, {}],
        ['a token of the right length', `${base}?token=${sameLength}`, {}],
        ['a prefix of the token', `${base}?token=${t.slice(0, 16)}`, {}],
        ['the token and more', `${base}?token=${t}0`, {}],
        ['the token in capitals', `${base}?token=${t.toUpperCase()}`, {}],
        ["another server's token", `${base}?token=${other.token}`, {}],
        ["another server's token in the header", base, { Authorization: `token ${other.token}` }],
        ['a bearer header', base, { Authorization: `Bearer ${t}` }],
        ["another port's cookie", base, { Cookie: `latent-explorer-token-${other.port}=${t}` }],
        ["another server's cookie", base, { Cookie: `latent-explorer-token-${p}=${other.token}` }],
      ];
      const before = logged(/refused a WebSocket without the token/).length;
      for (const [what, url, headers] of attempts) {
        assert.deepEqual(await tryOpen(url, headers), { opened: false, status: 401 }, what);
      }
      assert.equal(logged(/refused a WebSocket without the token/).length - before, attempts.length);
      // Each server opens to its own token only.
      assert.deepEqual(await tryOpen(other.rpcUrl), { opened: true });
      assert.deepEqual(await tryOpen(`ws://127.0.0.1:${other.port}/rpc?token=${t}`), { opened: false, status: 401 });
      assert.deepEqual(await tryOpen(base, { Authorization: `token ${t}` }), { opened: true });
      assert.deepEqual(await tryOpen(base, { Cookie: `latent-explorer-token-${p}=${t}` }), { opened: true });
    } finally {
      await other.close();
    }
  }),
);

test('4a. messages nested thousands deep get BAD_REQUEST and the connection keeps serving', { timeout: 120_000 }, () =>
  attack('4a deep', async () => {
    const c = await connect();
    try {
      const expectServing = async () => assert.equal(sessionOf(await c.call('getSession', {})).engineId, engineId);

      c.sendText(`{"t":"req","id":41,"method":"getSession","input":${'['.repeat(6000)}${']'.repeat(6000)}}`);
      assert.match(refused(await c.reply(41), 'BAD_REQUEST').message, /deeper than 16/);
      await expectServing();

      c.sendBinary(pack.envelope(42, 'getSession', pack.deepArray(6000)));
      assert.match(refused(await c.reply(42), 'BAD_REQUEST').message, /deeper than 16/);
      await expectServing();

      const maps = pack.envelope(43, 'decode', pack.deepMap(4000));
      assert.ok(maps.length >= 12_000, `${maps.length} bytes`);
      c.sendBinary(maps);
      assert.match(refused(await c.reply(43), 'BAD_REQUEST').message, /deeper than 16/);
      await expectServing();

      // As deep as a frame under the cap can nest: a byte a level in MessagePack, two in JSON.
      const levels = (MAX_REQUEST_BYTES >> 1) - 100;
      for (const frame of [
        `{"t":"req","id":44,"method":"getSession","input":${'['.repeat(levels)}${']'.repeat(levels)}}`,
        pack.envelope(45, 'getSession', pack.deepArray(MAX_REQUEST_BYTES - 100)),
        pack.envelope(46, 'getSession', pack.deepMap(Math.floor((MAX_REQUEST_BYTES - 100) / 3))),
      ]) {
        const seen = c.replies.length;
        if (typeof frame === 'string') c.sendText(frame);
        else c.sendBinary(frame);
        refused(await c.replyAfter(seen), 'BAD_REQUEST');
        await expectServing();
      }

      // Things that are not requests at all: each gets an error reply, none ends the connection.
      const junk: (string | Uint8Array)[] = [
        'null',
        '42',
        '"req"',
        '[]',
        '{}',
        '{',
        '{"t":"req","id":1}',
        '{"t":"req","id":"1","method":"getSession","input":{}}',
        '{"t":"req","id":1e400,"method":"getSession","input":{}}',
        '{"t":"req","id":2,"method":"constructor","input":{}}',
        '{"t":"req","id":3,"method":"__proto__","input":{}}',
        '{"t":"req","id":4,"method":"hasOwnProperty","input":{}}',
        '{"t":"res","id":6,"ok":true,"value":{}}',
        '{"t":"evt","name":"session","payload":{}}',
        Uint8Array.of(0xc1),
        Uint8Array.of(0x92, 0x01),
        encodeMessage({ t: 'req', id: 7, method: 'decode', input: { z: [0.5, 0.5, 0.5] } }),
        encodeMessage({ t: 'req', id: 8, method: 'testImages', input: { indices: [1e12] } }),
        // A Float32Array of three bytes, an extension type nobody registered, a timestamp of three bytes.
        pack.envelope(9, 'decode', Uint8Array.of(0x81, 0xa1, 0x7a, 0xc7, 0x03, 0x01, 1, 2, 3)),
        pack.envelope(10, 'decode', Uint8Array.of(0x81, 0xa1, 0x7a, 0xd6, 0x05, 0, 0, 0, 0)),
        pack.envelope(11, 'decode', Uint8Array.of(0x81, 0xa1, 0x7a, 0xc7, 0x03, 0xff, 1, 2, 3)),
      ];
      for (const j of junk) {
        const seen = c.replies.length;
        if (typeof j === 'string') c.sendText(j);
        else c.sendBinary(j);
        const r = await c.replyAfter(seen);
        assert.equal(r.ok, false, `${typeof j === 'string' ? j : Buffer.from(j).toString('hex')} was answered ${JSON.stringify(r)}`);
        assert.match(r.error?.code ?? '', /^(BAD_REQUEST|UNKNOWN_METHOD)$/, JSON.stringify(r.error));
      }
      // A "__proto__" key is only a key: answered, and nothing is polluted.
      c.sendText('{"t":"req","id":5,"method":"getSession","input":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}');
      assert.equal((await c.reply(5)).ok, true);
      assert.equal(({} as { polluted?: unknown }).polluted, undefined);
      await expectServing();
      assert.ok(c.open);
    } finally {
      await c.close();
    }
  }),
);

test('4b. a frame over the cap, or a broken frame, closes that connection and no other', { timeout: 120_000 }, () =>
  attack('4b over cap', async () => {
    const bystander = await connect();
    const big = await connect();
    try {
      big.sendBinary(new Uint8Array(MAX_REQUEST_BYTES + 1));
      assert.equal(await big.closed(), 1009);

      // A header that announces 4 GiB and sends nothing after it: closed on the header alone.
      const announce = Buffer.alloc(14);
      announce[0] = 0x82;
      announce[1] = 0x80 | 127;
      announce.writeBigUInt64BE(2n ** 32n, 2);
      assert.equal(await closeCodeAfter(await deafSocket(server.port, server.token), [announce]), 1009);

      // Fragments each under the cap that add up to more.
      const half = new Uint8Array(Math.ceil(MAX_REQUEST_BYTES / 2) + 1);
      assert.equal(
        await closeCodeAfter(await deafSocket(server.port, server.token), [
          maskedFrame(half, 0x2, false),
          maskedFrame(half, 0x0, false),
          maskedFrame(half, 0x0, true),
        ]),
        1009,
      );

      // A text frame that is not UTF-8.
      assert.equal(await closeCodeAfter(await deafSocket(server.port, server.token), [maskedFrame(Uint8Array.of(0xff, 0xfe, 0xfd), 0x1)]), 1007);

      assert.equal(sessionOf(await bystander.call('getSession', {})).engineId, engineId);
    } finally {
      await bystander.close();
      await big.close();
    }
  }),
);

test('4c. small MessagePack frames that declare 4 GiB get an error reply and cost nothing', { timeout: 120_000 }, () =>
  attack(
    '4c 4 GiB',
    async () => {
      const c = await connect();
      try {
        const declared = [
          pack.huge(0xdb), // str 32
          pack.huge(0xc6), // bin 32
          pack.huge(0xdd), // array 32
          pack.huge(0xdf), // map 32
          pack.huge(0xc9, [0x01]), // ext 32, the Float32Array type
        ];
        for (const d of declared) {
          for (const frame of [d, pack.envelope(60, 'decode', d), Buffer.concat([Uint8Array.of(0x81, 0xa1, 0x7a), d])]) {
            const seen = c.replies.length;
            c.sendBinary(frame);
            const error = refused(await c.replyAfter(seen), 'BAD_REQUEST');
            assert.match(error.message, /MessagePack/);
          }
        }
        assert.equal(sessionOf(await c.call('getSession', {})).engineId, engineId);
      } finally {
        await c.close();
      }
    },
    256 * MB,
  ),
);

test('5. a flood of 10,000 requests: every one answered or told TOO_MANY, never more than the cap waiting', { timeout: 180_000 }, () =>
  attack('5 flood', async () => {
    const c = await connect();
    try {
      const N = 10_000;
      const first = c.replies.length;
      for (let id = 1; id <= N; id++) c.send({ t: 'req', id, method: 'getSession', input: {} });
      await c.waitFor(() => (c.replies.length - first >= N ? true : undefined), `${N} replies`, 120_000);
      const stream = c.replies.slice(first).filter((r) => typeof r.id === 'number' && r.id >= 1 && r.id <= N);
      assert.equal(stream.length, N);
      assert.equal(new Set(stream.map((r) => r.id)).size, N, 'each request answered once');

      const accepted = new Uint8Array(N + 1);
      let ok = 0;
      let tooMany = 0;
      for (const r of stream) {
        if (r.ok) {
          ok++;
          accepted[r.id!] = 1;
          assert.equal(sessionOf(r.value).engineId, engineId);
        } else {
          assert.equal(r.error?.code, 'TOO_MANY', JSON.stringify(r.error));
          tooMany++;
        }
      }
      // The relay handles requests in order, so once any reply for id k has
      // come, every request up to k has been taken or refused: those taken and
      // not yet answered were waiting in the engine at that moment.
      const acceptedUpTo = new Uint32Array(N + 1);
      for (let id = 1; id <= N; id++) acceptedUpTo[id] = acceptedUpTo[id - 1]! + accepted[id]!;
      let maxId = 0;
      let answered = 0;
      let mostWaiting = 0;
      for (const r of stream) {
        maxId = Math.max(maxId, r.id!);
        if (r.ok) answered++;
        mostWaiting = Math.max(mostWaiting, acceptedUpTo[maxId]! - answered);
      }
      console.log(`flood: ${ok} answered, ${tooMany} told TOO_MANY, at most ${mostWaiting} waiting (cap ${LIMITS.inFlight})`);
      assert.ok(ok >= 1 && tooMany >= 1, 'some were served and the cap was reached');
      assert.ok(mostWaiting <= LIMITS.inFlight, `${mostWaiting} requests were waiting`);
      assert.equal(sessionOf(await c.call('getSession', {})).engineId, engineId);
    } finally {
      await c.close();
    }
  }),
);

test('6. a client that never reads is closed once it leaves too much unread; others are served meanwhile', { timeout: 120_000 }, () =>
  attack('6 deaf reader', async () => {
    const other = await connect();
    const deaf = await deafSocket(server.port, server.token);
    try {
      let gone = false;
      deaf.on('close', () => (gone = true));
      deaf.on('error', () => (gone = true));
      const frame = maskedFrame(
        encodeMessage({
          t: 'req',
          id: 1,
          method: 'testImages',
          input: { indices: Array.from({ length: LIMITS.testImages }, (_, i) => i) },
        }),
      );
      const closedLine = () => logged(/closed a client that left \d+ bytes unread/);
      const linesBefore = closedLine().length;
      const start = Date.now();
      let sent = 0;
      let during: Promise<Reply> | null = null;
      while (!gone && Date.now() - start < 30_000 && sent < 50_000) {
        for (let k = 0; k < 8; k++) deaf.write(frame);
        sent += 8;
        during ??= other.request('testImages', { indices: [0, 1, 2] });
        if (closedLine().length > linesBefore) {
          // Keep writing briefly: the closed socket shows itself on the next writes.
          const until = Date.now() + 5_000;
          while (!gone && Date.now() < until) {
            deaf.write(frame);
            await sleep(20);
          }
          break;
        }
        await sleep(20);
      }
      const lines = closedLine().slice(linesBefore);
      console.log(`deaf reader: ${sent} requests sent in ${((Date.now() - start) / 1000).toFixed(1)} s; ${lines[0] ?? 'not closed'}`);
      assert.equal(lines.length, 1, 'the server says it closed the client');
      const unread = Number(/left (\d+) bytes/.exec(lines[0]!)![1]);
      assert.ok(unread > MAX_BUFFERED, `${unread} bytes unread`);
      assert.ok(gone, 'the socket was closed by the server');
      assert.ok(during, 'the other client asked while the deaf one was stuffed');
      const r = await during;
      assert.ok(r.ok, JSON.stringify(r.error));
      assert.equal((r.value as { count: number }).count, 3);
    } finally {
      deaf.destroy();
      await other.close();
    }
  }),
);

test('6b. a client that floods pings and never reads the pongs is closed', { timeout: 120_000 }, () =>
  attack('6b ping flood', async () => {
    const deaf = await deafSocket(server.port, server.token);
    try {
      let gone = false;
      deaf.on('close', () => (gone = true));
      deaf.on('error', () => (gone = true));
      const ping = maskedFrame(new Uint8Array(125).fill(0x70), 0x9);
      const batch = Buffer.concat(Array.from({ length: 1000 }, () => ping));
      const start = Date.now();
      let sent = 0;
      while (!gone && Date.now() - start < 20_000 && sent < 2_000_000) {
        if (!deaf.write(batch)) {
          // The server stopped taking them, or closed: wait a moment for either to show.
          await Promise.race([new Promise((r) => deaf.once('drain', r)), sleep(200)]);
        }
        sent += 1000;
        await sleep(0);
      }
      console.log(`ping flood: ${sent} pings in ${((Date.now() - start) / 1000).toFixed(1)} s; ${gone ? 'closed by the server' : 'still open'}`);
      assert.ok(gone, 'the server closed the flooding client');
    } finally {
      deaf.destroy();
    }
  }),
);

test('7. data that is not a file is refused at once, and the queue is not wedged', { timeout: 120_000 }, () =>
  attack('7 not a file', async () => {
    const dir = tempDir('le-fifo-');
    const fifo = makeFifo(dir, 'images-idx3-ubyte');
    const fifoFolder = path.join(dir, 'dataset');
    mkdirSync(fifoFolder);
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      makeFifo(fifoFolder, name);
    }
    const mnistImages = path.join(builtInMnistDir(), 't10k-images-idx3-ubyte');
    const cases: [Record<string, string>, RegExp][] = [
      [{ kind: 'files', images: '/dev/zero' }, /\/dev\/zero is a character device/],
      [{ kind: 'files', images: fifo }, /FIFO/],
      [{ kind: 'files', images: mnistImages, labels: fifo }, /FIFO/],
      [{ kind: 'files', images: mnistImages, labels: '/dev/zero' }, /character device/],
      [{ kind: 'files', images: dir }, /is a folder/],
      [{ kind: 'files', images: '/proc/self/status' }, /status/],
      [{ kind: 'folder', path: fifo }, /FIFO/],
      [{ kind: 'folder', path: '/dev/zero' }, /character device/],
      [{ kind: 'folder', path: fifoFolder }, /FIFO/],
      [{ kind: 'fashion', dir: fifo }, /FIFO/],
    ];
    const c = await connect();
    try {
      const s0 = sessionOf(await c.call('getSession', {}));
      for (const [data, says] of cases) {
        const r = await c.request('startTraining', { data, model: MODEL, training: TRAINING, discard: true }, { timeoutMs: 60_000 });
        const error = refused(r);
        assert.notEqual(error.code, 'TIMEOUT', `${JSON.stringify(data)} waited for the deadline`);
        assert.match(error.message, says, JSON.stringify(data));
      }
      const s1 = sessionOf(await c.call('getSession', {}));
      assert.equal(s1.modelId, s0.modelId, 'a refused start changes nothing');
      // The next state-changing request is answered, and trains.
      const s2 = await trainTiny(c);
      assert.equal(s2.modelId, s0.modelId + 1);
      assert.equal(s2.history.length, 1);
    } finally {
      await c.close();
    }
  }),
);

test('8. a giant model is refused with its parameter count and the limit, before memory is spent', { timeout: 120_000 }, () =>
  attack('8 giant model', async () => {
    const c = await connect();
    try {
      const s0 = sessionOf(await c.call('getSession', {}));
      for (const hidden of [
        [8192, 8192, 8192, 8192],
        [4096, 4096, 4096],
        [8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192],
      ]) {
        const count = parameterCount({ height: 28, width: 28, latentDim: 3, hidden });
        assert.ok(count > MAX_MODEL_PARAMETERS);
        const r = await c.request(
          'startTraining',
          { data: { kind: 'mnist' }, model: { ...MODEL, hidden }, training: TRAINING, discard: true },
          { timeoutMs: 60_000 },
        );
        const error = refused(r, 'BAD_CONFIG');
        assert.ok(error.message.includes(fmt(count)), `${error.message} names ${fmt(count)}`);
        assert.ok(error.message.includes(fmt(MAX_MODEL_PARAMETERS)), `${error.message} names ${fmt(MAX_MODEL_PARAMETERS)}`);
      }
      const s1 = sessionOf(await c.call('getSession', {}));
      assert.equal(s1.modelId, s0.modelId, 'the current model stays');
      assert.deepEqual(s1.model, s0.model);
      assert.equal(s1.unsaved, s0.unsaved, 'the refusal discarded nothing');
    } finally {
      await c.close();
    }
  }),
);

test("9. a save never lands on the user's files or folders; a new path works, and replacing needs replace", { timeout: 120_000 }, () =>
  attack('9 saves', async () => {
    const c = await connect();
    try {
      const targets: [string, string, RegExp][] = [
        ["a folder of the user's work", user.thesis, /thesis\.tex|not a Latent Explorer model/],
        ['a folder inside it', user.taxes, /return\.pdf|not a Latent Explorer model/],
        ['a file', path.join(user.thesis, 'thesis.tex'), /is a file/],
        ['a dotfile', user.bashrc, /is a file/],
        ['a link to a folder', user.link, /is a link/],
        ["a folder with someone else's manifest.json", user.lookalike, /not a Latent Explorer model/],
        ['a path below a file', path.join(user.bashrc, 'model'), /file stands where a folder is needed|not a folder/],
        ['the home folder itself', user.root, /not a Latent Explorer model/],
      ];
      for (const [what, dir, says] of targets) {
        for (const replace of [false, true]) {
          const r = await c.request('saveModel', replace ? { dir, replace } : { dir });
          const error = refused(r);
          assert.match(error.message, says, `${what} (replace: ${replace}): ${error.message}`);
          assert.deepEqual(snapshot(user.root), userSnapshot, `${what} (replace: ${replace}) changed the user's files`);
        }
      }

      const saved = path.join(work, 'models', 'digits');
      const s = sessionOf(await c.call('saveModel', { dir: saved }));
      assert.equal(s.modelDir, saved);
      assert.equal(s.unsaved, false);
      assert.ok(readdirSync(saved).includes('manifest.json'));
      const first = snapshot(saved);
      refused(await c.request('saveModel', { dir: saved }), 'MODEL_EXISTS');
      assert.deepEqual(snapshot(saved), first, 'a refused save leaves the model as it was');
      sessionOf(await c.call('saveModel', { dir: saved, replace: true }));
      assert.ok(readdirSync(saved).includes('manifest.json'));

      // A model folder the user has since put a note into is theirs again.
      writeFileSync(path.join(saved, 'notes.txt'), 'latent 3 looks best\n');
      const withNotes = snapshot(saved);
      assert.match(refused(await c.request('saveModel', { dir: saved, replace: true })).message, /notes\.txt/);
      assert.deepEqual(snapshot(saved), withNotes);
      assert.deepEqual(readdirSync(path.dirname(saved)), ['digits'], 'no temporary folder is left beside it');
    } finally {
      await c.close();
    }
  }),
);

test('10. two windows: one trains, the other is told; its requests for the old model get MODEL_CHANGED', { timeout: 120_000 }, () =>
  attack('10 two windows', async () => {
    const a = await connect();
    const b = await connect();
    try {
      const old = sessionOf(await b.call('getSession', {}));
      const eventsBefore = b.events.length;
      const r = await a.request(
        'startTraining',
        { data: { kind: 'mnist' }, model: { ...MODEL, latentDim: 2 }, training: TRAINING, discard: true },
        { timeoutMs: 60_000 },
      );
      assert.ok(r.ok, JSON.stringify(r.error));
      const newId = sessionOf(r.value).modelId;
      assert.equal(newId, old.modelId + 1);

      const told = await b.waitFor(
        () => b.events.slice(eventsBefore).find((e) => e.name === 'session' && sessionOf(e.payload).modelId === newId),
        'a session event with the new model',
      );
      assert.equal(sessionOf(told.payload).model?.latentDim, 2);

      refused(await b.request('testImages', { indices: [0] }, { model: old.modelId }), 'MODEL_CHANGED');
      refused(await b.request('decode', { z: new Float32Array(3) }, { model: old.modelId }), 'MODEL_CHANGED');
      refused(await b.request('saveModel', { dir: path.join(work, 'stale') }, { model: old.modelId }), 'MODEL_CHANGED');
      const images = await b.call('testImages', { indices: [0, 1] }, { model: newId });
      assert.equal((images as { count: number }).count, 2);
      const decoded = await b.call('decode', { z: new Float32Array([0, 0, 1, -1]) }, { model: newId });
      assert.equal((decoded as { count: number }).count, 2);

      const done = await waitIdle(a);
      assert.equal(done.status, 'done', done.error ?? '');
      assert.equal(done.modelId, newId);
    } finally {
      await a.close();
      await b.close();
    }
  }),
);

/**
 * Sends `request` (built for the child's port) to a `latent-explorer serve` of
 * its own, then checks that the process still runs and still lets the token in.
 */
async function survives(request: (port: number) => string): Promise<string> {
  const child = await startChildServer();
  try {
    const answer = await rawExchange(child.port, request(child.port));
    await sleep(300);
    assert.ok(child.alive(), `the server process died (exit ${child.child.exitCode}) on ${JSON.stringify(request(child.port).split('\r\n')[0])}`);
    const page = await httpGet(child.port, '/', { Host: `127.0.0.1:${child.port}`, Authorization: `token ${child.token}` });
    assert.equal(page.status, 200);
    return answer;
  } finally {
    await child.stop();
  }
}

const UPGRADE_HEADERS = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

test(
  '11. a cookie that is not valid percent-encoding is no token, and brings nothing down',
  {
    timeout: 120_000,
  },
  async () => {
    const page = await survives((p) => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nCookie: latent-explorer-token-${p}=%E0%A4%A\r\nConnection: close\r\n\r\n`);
    assert.match(page, /^HTTP\/1\.1 401/);
    const upgrade = await survives((p) => `GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nCookie: latent-explorer-token-${p}=%zz\r\n${UPGRADE_HEADERS}\r\n`);
    assert.match(upgrade, /^HTTP\/1\.1 401/);
  },
);

test(
  '12. a request target that is not a URL is refused, and brings nothing down',
  {
    timeout: 120_000,
  },
  async () => {
    const page = await survives((p) => `GET http://a:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nConnection: close\r\n\r\n`);
    assert.match(page, /^HTTP\/1\.1 4\d\d/);
    const upgrade = await survives(() => `GET http://[/rpc HTTP/1.1\r\nHost: evil.example\r\n${UPGRADE_HEADERS}\r\n`);
    assert.match(upgrade, /^HTTP\/1\.1 4\d\d|^$/);
  },
);

test(
  '13. a save onto a folder whose manifest.json is /dev/zero is refused without reading it',
  {
    timeout: 120_000,
  },
  () =>
    attack(
      '13 zero manifest',
      async () => {
        const dir = path.join(tempDir('le-zero-'), 'settings');
        mkdirSync(dir);
        symlinkSync('/dev/zero', path.join(dir, 'manifest.json'));
        const c = await connect();
        try {
          for (const replace of [false, true]) {
            const error = refused(await c.request('saveModel', { dir, replace }, { timeoutMs: 60_000 }));
            assert.match(error.message, /manifest\.json/);
          }
          assert.deepEqual(readdirSync(dir), ['manifest.json']);
        } finally {
          await c.close();
        }
      },
      128 * MB,
    ),
);

test(
  '14. a save onto a folder whose manifest.json is a FIFO is refused at once',
  {
    timeout: 120_000,
  },
  async () => {
    // In a server of its own: the blocked request would hold up the shared one's queue for two minutes.
    const child = await startChildServer();
    const c = await WireClient.open(`ws://127.0.0.1:${child.port}/rpc?token=${child.token}`);
    const dir = path.join(tempDir('le-fifo-save-'), 'settings');
    mkdirSync(dir);
    const fifo = makeFifo(dir, 'manifest.json');
    try {
      await trainTiny(c);
      const r = await c.request('saveModel', { dir }, { timeoutMs: 10_000 });
      const error = refused(r);
      assert.notEqual(error.code, 'TIMEOUT');
      assert.match(error.message, /manifest\.json/);
      assert.deepEqual(readdirSync(dir), ['manifest.json']);
    } finally {
      // Let a reader blocked on the FIFO go: opening it for writing, then closing it, gives it an end of file.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader was waiting.
      }
      await c.close();
      await child.stop();
    }
  },
);

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng } from '../../src/io/png.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { written } from '../helpers/imported-nets.js';

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

let data: string;
before(async () => {
  await setupTf();
  data = writeSyntheticFolder({ train: 64, test: 16, h: 8, w: 6 });
});

test('import writes a model folder that every command explores like a native one', { timeout: 120000 }, async () => {
  const { req } = await written('keras', true);
  const out = path.join(tempDir(), 'imported');
  const r = await cli('import', '--encoder', req.encoder, '--decoder', req.decoder, '--data', data, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Imported a VAE for 8×6 images, latent 3, [\d,]+ parameters/);
  assert.match(r.stdout, /encoder outputs: z_mean → mean, z_log_var → log-variance/);
  assert.match(r.stdout, /decoder output: +probabilities \(read from its last layer; --decoder-output to change\)/);
  assert.match(r.stdout, /test −ELBO \d+\.\d\d nats/);
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.config.arch, 'imported');
  assert.equal(manifest.config.imported.encoderOutputs, 'keras');
  assert.ok(Number.isFinite(manifest.metrics.total));

  const png = path.join(tempDir(), 'decoded.png');
  const d = await cli('decode', '--model', out, '--z', '0.1,-0.5,1', '--out', png);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(decodePng(readFileSync(png)).width, 6);
  const ev = await cli('eval', '--model', out, '--iwae', '5', '--json');
  assert.equal(ev.code, 0, ev.stderr);
  assert.ok(Number.isFinite(JSON.parse(ev.stdout).iwae));
  const more = await cli('train', '--out', out, '--from', out, '--data', data, '--epochs', '1', '--batch', '16', '--json');
  assert.equal(more.code, 0, more.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).history.length, 1);
});

test('import refuses what does not fit, in one line, and writes nothing', { timeout: 120000 }, async () => {
  const { req } = await written('pair-unnamed', false);
  const other = writeSyntheticFolder({ train: 16, test: 8, h: 5, w: 5 });
  const out = path.join(tempDir(), 'never');
  const cases: Array<[string[], RegExp]> = [
    [
      ['--data', data],
      /do not say which is the mean and which the log-variance; give their roles in output order, e.g\. mean,logvar \(--roles on the command line, Roles in the app\)\./,
    ],
    [['--data', data, '--roles', 'mean,sigma'], /--roles: expected mean, logvar and z in the encoder's output order, got "sigma"\./],
    [['--data', other, '--roles', 'mean,logvar'], /The encoder takes \[8,6,1\] but the images are 5×5×1 \(25 values\)\./],
    [['--data', data, '--decoder-output', 'counts'], /--decoder-output: expected one of logits, probabilities, got "counts"/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli('import', '--encoder', req.encoder, '--decoder', req.decoder, '--out', out, ...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!existsSync(out), `nothing written for ${args.join(' ')}`);
  }
  const missing = await cli(
    'import',
    '--encoder',
    path.join(tempDir(), 'none.json'),
    '--decoder',
    req.decoder,
    '--data',
    data,
    '--out',
    out,
    '--roles',
    'mean,logvar',
  );
  assert.match(missing.stderr, /--encoder: /);
  assert.ok(!existsSync(out));
});

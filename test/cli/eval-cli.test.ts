import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test(
  'binarised MNIST: trained with --binarize, evaluated with the IWAE bound on the first images, printed beside the published figures',
  { timeout: 180000 },
  async () => {
    const out = path.join(tempDir(), 'model');
    const trained = await cli(
      'train',
      '--out',
      out,
      '--data',
      'mnist',
      '--binarize',
      '--latent',
      '4',
      '--hidden',
      '64',
      '--epochs',
      '1',
      '--limit',
      '512',
      '--json',
    );
    assert.equal(trained.code, 0, trained.stderr);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.dataset.spec, { kind: 'mnist', binarize: 'dynamic' });

    const json = await cli('eval', '--model', out, '--iwae', '20', '--limit', '30', '--json');
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout);
    assert.equal(r.dataset, 'MNIST (binarised)');
    assert.equal(r.images, 30);
    assert.equal(r.iwaeK, 20);
    // The IWAE bound is tighter than the ELBO (allowing for the sampling noise of each).
    assert.ok(r.iwae < r.negElbo + 1, `IWAE ${r.iwae} vs −ELBO ${r.negElbo}`);
    assert.match(r.published, /about 89–90 nats for a one-stochastic-layer VAE, about 86\.8 nats for one trained with the IWAE-50 objective/);

    // Continued without --data, a model trains on its own data, binarised as before.
    const more = path.join(tempDir(), 'more');
    const cont = await cli('train', '--out', more, '--from', out, '--epochs', '1', '--limit', '256', '--json');
    assert.equal(cont.code, 0, cont.stderr);
    assert.deepEqual(JSON.parse(readFileSync(path.join(more, 'manifest.json'), 'utf8')).dataset.spec, { kind: 'mnist', binarize: 'dynamic' });
    const mixed = await cli('train', '--out', path.join(tempDir(), 'm'), '--from', out, '--binarize');
    assert.match(mixed.stderr, /--binarize describes --data; with --from and no --data the model's own data is used as it was\./);

    const text = await cli('eval', '--model', out, '--iwae', '5', '--limit', '10');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^MNIST \(binarised\) test set, the first 10 of 10000 images/);
    assert.match(text.stdout, /IWAE \(k=5\) +\d+\.\d\d nats/);
    assert.match(text.stdout, /\(published for comparison: about 89–90 nats/);
  },
);

test('--binarize is for grey IDX data, and eval refuses a --limit of nothing', { timeout: 60000 }, async () => {
  const images = tempDir();
  const r = await cli('train', '--out', path.join(tempDir(), 'm'), '--data', images, '--binarize');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--binarize applies to grey IDX data \(mnist, fashion, an IDX folder or file\); --data .* is a folder of images\./);
  const data = writeSyntheticFolder({ train: 64, test: 16 });
  const out = path.join(tempDir(), 'grey');
  assert.equal((await cli('train', '--out', out, '--data', data, '--epochs', '1', '--hidden', '8', '--latent', '2')).code, 0);
  const bad = await cli('eval', '--model', out, '--limit', '0');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--limit: evaluate at least one image\./);
  const grey = await cli('eval', '--model', out, '--json');
  assert.equal(JSON.parse(grey.stdout).published, undefined, 'no published figures beside data they do not describe');
});

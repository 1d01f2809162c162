import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { encodedToCsv } from '../../src/io/csv.js';

const enc = { count: 2, latentDim: 1, mean: Float32Array.from([0.5, -1]), logVar: Float32Array.from([-2, -3]) };

test('the latent CSV names each label when the data names its classes', () => {
  const rows = parse(encodedToCsv(enc, Int32Array.from([1, 0]), null, ['T-shirt/top', 'Trouser']), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0]!), ['index', 'label', 'label_name', 'mean_0', 'logvar_0']);
  assert.deepEqual(
    rows.map((r) => [r.label, r.label_name]),
    [
      ['1', 'Trouser'],
      ['0', 'T-shirt/top'],
    ],
  );
});

test('without class names (or labels) there is no label_name column', () => {
  const plain = parse(encodedToCsv(enc, Int32Array.from([1, 0])), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(plain[0]!), ['index', 'label', 'mean_0', 'logvar_0']);
  const unlabelled = parse(encodedToCsv(enc, null, null, ['a', 'b']), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(unlabelled[0]!), ['index', 'label', 'mean_0', 'logvar_0']);
  assert.equal(unlabelled[0]!.label, '');
});

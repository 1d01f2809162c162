/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Input, Output } from '../../src/contract/index.js';
import { UserError } from '../../src/contract/errors.js';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { FakeEngine, settle, trainedSession, wire } from './fake-engine.js';
import {
  countByLabel,
  fetchImages,
  GRID_IMAGES,
  labelNames,
  matchName,
  meanLatent,
  parseQuery,
  QUERY_MAX,
  resolveQuery,
  shownNumbers,
  type ShownPoints,
} from '../../renderer/src/lib/state/group-query.js';

// The selection panel's logic: reading searches (pure functions), and its
// state class against a fake engine over the app's own RPC client and server.
registerSvelteRunes();
const { AppState } = await import('../../renderer/src/lib/state/app-state.js');
const { Calls } = await import('../../renderer/src/lib/state/calls.js');
const { GroupView } = await import('../../renderer/src/lib/state/group-view.svelte.js');

const NAMES = ['T-shirt/top', 'Trouser', 'Sneaker', 'Sandal', 'Shirt'];
const TEST_COUNT = 12;
const TRAIN_COUNT = 60;

/** Points as the engine places them: row r is image first + r, labelled r mod 5, with latent mean (n, 2n) for image n. */
function points(set: 'test' | 'train' | 'both'): Output<'latentPoints'> {
  const first = set === 'train' ? TEST_COUNT : 0;
  const count = set === 'test' ? TEST_COUNT : set === 'train' ? TRAIN_COUNT : TEST_COUNT + TRAIN_COUNT;
  const mean = new Float32Array(count * 2);
  for (let r = 0; r < count; r++) {
    mean[2 * r] = first + r;
    mean[2 * r + 1] = 2 * (first + r);
  }
  return {
    set,
    first,
    count,
    latentDim: 2,
    mean,
    logVar: new Float32Array(count * 2),
    labels: Int32Array.from({ length: count }, (_, r) => (first + r) % 5),
    positions: new Float32Array(count * 3),
    projection: {
      method: 'plane',
      sceneDims: 2,
      axisNames: ['z0', 'z1'],
      axes: [0, 1],
      center: null,
      components: null,
      explained: null,
      seed: null,
      neighbours: null,
      fittedOn: null,
      ms: 0,
    },
    health: { klPerDim: [1, 1], varianceOfMeans: [1, 1], activeUnits: 2 },
  };
}

const TEST = points('test');

test('a search reads as an image number, a range, a label number or a label name', () => {
  assert.deepEqual(parseQuery('123'), { query: { kind: 'number', n: 123 } });
  assert.deepEqual(parseQuery('  #1,234 '), { query: { kind: 'number', n: 1234 } });
  assert.deepEqual(parseQuery('100-199'), { query: { kind: 'range', from: 100, to: 199 } });
  assert.deepEqual(parseQuery('199 – 100'), { query: { kind: 'range', from: 100, to: 199 } }, 'a range typed backwards is the same range');
  assert.deepEqual(parseQuery('100..199'), { query: { kind: 'range', from: 100, to: 199 } });
  assert.deepEqual(parseQuery('9,990 to 10,010'), { query: { kind: 'range', from: 9990, to: 10010 } });
  assert.deepEqual(parseQuery('label:3'), { query: { kind: 'label', label: 3 } });
  assert.deepEqual(parseQuery('Label 3'), { query: { kind: 'label', label: 3 } });
  assert.deepEqual(parseQuery('label = Sneaker'), { query: { kind: 'name', name: 'Sneaker' } });
  assert.deepEqual(parseQuery('Ankle   boot'), { query: { kind: 'name', name: 'Ankle boot' } });
  // A name that merely starts with "label" is a name.
  assert.deepEqual(parseQuery('labelled'), { query: { kind: 'name', name: 'labelled' } });
  assert.deepEqual(parseQuery('   '), { empty: true });
});

test('a search that cannot be read says why, and a long one is refused before it is read', () => {
  assert.deepEqual(parseQuery('label:'), { error: 'Say which label: label:3, or label:Sneaker by name.' });
  assert.deepEqual(parseQuery('label:-1'), { error: '“-1” is no label number; labels are whole numbers from 0, as in label:3.' });
  assert.deepEqual(parseQuery('1,2-3'), { error: '“1,2-3” is not a range of image numbers; write one as 100-199.' });
  const long = 'x'.repeat(QUERY_MAX + 1);
  assert.deepEqual(parseQuery(long), { error: `A search is at most ${QUERY_MAX} characters; this one has ${QUERY_MAX + 1}.` });
  // Only fixed patterns are matched: text full of pattern syntax is a name like any other, matched literally.
  assert.deepEqual(parseQuery('(a+)+$'), { query: { kind: 'name', name: '(a+)+$' } });
  const names = labelNames(TEST, ['.*', 'Shirt']);
  assert.deepEqual(matchName('.*', names), { label: 0 });
  assert.ok('error' in matchName('.', [{ label: 0, name: 'Shirt' }]));
});

test('a search picks shown images only, and says precisely what the scatter shows when it picks none', () => {
  const names = labelNames(TEST, NAMES);
  const resolve = (text: string, p: ShownPoints = TEST) => {
    const parsed = parseQuery(text);
    assert.ok('query' in parsed, text);
    return resolveQuery(parsed.query, p, names, text);
  };
  assert.deepEqual(resolve('7'), { numbers: [7], how: 'search “7”' });
  assert.deepEqual(resolve('99999'), { error: 'No shown image is number 99,999; the scatter shows the test set, numbers 0–11.' });
  assert.deepEqual(resolve('99999999999999999999'), { error: 'No image has a number that large; the scatter shows the test set, numbers 0–11.' });
  // Image 3 is a test image: with only the training set shown it is not there to select.
  assert.deepEqual(resolve('3', points('train')), { error: 'No shown image is number 3; the scatter shows the training set, numbers 12–71.' });
  assert.deepEqual(resolve('10-20'), { numbers: [10, 11], how: 'search “10-20”' }, 'a range keeps what is shown of it');
  assert.deepEqual(resolve('100-199'), { error: 'No shown image lies in 100–199; the scatter shows the test set, numbers 0–11.' });
  assert.deepEqual(resolve('sneaker'), { numbers: [2, 7], how: 'search “sneaker”: label Sneaker' });
  assert.deepEqual(resolve('TROU'), { numbers: [1, 6, 11], how: 'search “TROU”: label Trouser' }, 'the one name a prefix starts');
  assert.deepEqual(resolve('label:4'), { numbers: [4, 9], how: 'search “label:4”: label Shirt' });
  assert.deepEqual(resolve('s'), { error: '“s” could be Sneaker, Sandal, Shirt; type more of the name.' });
  assert.deepEqual(resolve('Ankle boot'), {
    error: '“Ankle boot” is not an image number, a range such as 100-199, a label name such as T-shirt/top or a label number such as label:3.',
  });
  assert.deepEqual(resolve('label:7'), { error: 'There is no label 7; the labels are 0–4.' });
  assert.deepEqual(resolve('label:3', { ...TEST, count: 3 }), { error: 'No shown image has label Sandal; the scatter shows the test set, numbers 0–2.' });
  assert.deepEqual(resolve('label:3', { ...TEST, labels: null }), { error: 'These images carry no labels, so none can be found by label.' });
});

test('counts, means and the shown part of a selection come from the shown rows', () => {
  const train = points('train');
  assert.deepEqual(shownNumbers(new Set([70, 3, 12, 99, 71]), train), [12, 70, 71], 'ascending, only numbers shown');
  assert.deepEqual(shownNumbers([1, 2], null), []);
  assert.deepEqual(countByLabel([12, 17, 22, 13], train), [
    { label: 2, count: 3 },
    { label: 3, count: 1 },
  ]);
  assert.deepEqual(countByLabel([0, 1], { ...TEST, labels: null }), [{ label: null, count: 2 }]);
  // Image n's mean is (n, 2n): rows are found from `first`, not from the image number.
  assert.deepEqual(Array.from(meanLatent([12, 14, 19], train)!), [15, 30]);
  assert.equal(meanLatent([], train), null);
  assert.deepEqual(
    labelNames(TEST, null).map((n) => n.name),
    ['0', '1', '2', '3', '4'],
  );
});

test('images are fetched in parts of at most 1000 and put back together in order', async () => {
  const asked: number[][] = [];
  const api = {
    testImages: async (input: Input<'testImages'>) => {
      asked.push(input.indices);
      return { count: input.indices.length, height: 1, width: 1, channels: 1, pixels: Float32Array.from(input.indices) };
    },
  };
  const numbers = Array.from({ length: 2500 }, (_, i) => i * 2);
  const images = await fetchImages(api as never, numbers);
  assert.deepEqual(
    asked.map((a) => a.length),
    [1000, 1000, 500],
  );
  assert.equal(images!.count, 2500);
  assert.deepEqual(Array.from(images!.pixels), numbers);
  assert.equal(await fetchImages(api as never, []), null);
});

/** The fake engine with a dataset of 12 test and 60 training images of five classes, placed as `points` places them. */
class SelectionEngine extends FakeEngine {
  constructor(opts: { files?: boolean } = {}) {
    super(
      trainedSession({
        dataset: {
          ...trainedSession().dataset!,
          name: 'Fashion-MNIST',
          testCount: TEST_COUNT,
          trainCount: TRAIN_COUNT,
          classNames: NAMES,
          files: opts.files ?? false,
        },
        model: { ...trainedSession().model!, latentDim: 2 },
      }),
    );
  }
  // Answers as the contract types it; the base's own canned answer has a narrower inferred type, which these points need not match.
  override latentPoints = (async (input: Input<'latentPoints'>): Promise<Output<'latentPoints'>> => {
    this.received.push({ method: 'latentPoints', input });
    return points(input.set ?? 'test');
  }) as unknown as FakeEngine['latentPoints'];
  /** Image n is every pixel n / 100. */
  #imagesGate: Promise<void> | null = null;
  /** Holds the next images asked for until the returned function is called. */
  holdImages(): () => void {
    let release!: () => void;
    this.#imagesGate = new Promise<void>((resolve) => (release = resolve));
    return release;
  }
  override testImages = async (input: Input<'testImages'>) => {
    this.received.push({ method: 'testImages', input });
    const gate = this.#imagesGate;
    this.#imagesGate = null;
    await gate;
    const pixels = new Float32Array(input.indices.length * 4);
    input.indices.forEach((n, i) => pixels.fill(n / 100, 4 * i, 4 * i + 4));
    return { count: input.indices.length, height: 2, width: 2, channels: 1, pixels };
  };
  override exportCsv = async (input: Input<'exportCsv'>) => {
    this.received.push({ method: 'exportCsv', input });
    if (input.what === 'selection' && (input.indices ?? []).length === 0) throw new UserError('BAD_REQUEST', 'Nothing to export: the selection is empty.');
    return { filename: 'fashion-mnist-latent2-1ep-selection.csv', text: ['index,label', ...(input.indices ?? []).map((n) => `${n},${n % 5}`)].join('\n') };
  };
}

async function started(opts: { files?: boolean } = {}) {
  const engine = new SelectionEngine(opts);
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await settle();
  const calls = new Calls(w.client, app.notices, () => undefined);
  const view = new GroupView({ calls, group: app.group, latent: app.latent, session: app.session, selection: app.selection });
  return { ...w, engine, app, view };
}

test('selecting by label replaces the selection; Shift adds and Alt takes away; counts per label follow', async () => {
  const { app, view } = await started();
  assert.equal(app.latent.points?.count, TEST_COUNT);
  assert.deepEqual(
    view.choices.map((c) => [c.name, c.count]),
    [
      ['T-shirt/top', 3],
      ['Trouser', 3],
      ['Sneaker', 2],
      ['Sandal', 2],
      ['Shirt', 2],
    ],
  );
  view.selectLabel(2, view.modeFor({}));
  assert.deepEqual(view.shown, [2, 7]);
  assert.equal(app.group.how, 'label Sneaker');
  view.selectLabel(1, view.modeFor({ shiftKey: true }));
  assert.deepEqual(view.shown, [1, 2, 6, 7, 11]);
  assert.equal(app.group.how, 'label Sneaker, + label Trouser');
  assert.deepEqual(view.perLabel, [
    { label: 1, count: 3 },
    { label: 2, count: 2 },
  ]);
  view.selectLabel(2, view.modeFor({ altKey: true }));
  assert.deepEqual(view.shown, [1, 6, 11]);
  // The mode chosen in the panel applies when no key is held.
  view.setMode('add');
  view.selectLabel(0, view.modeFor({}));
  assert.deepEqual(view.shown, [0, 1, 5, 6, 10, 11]);
  view.clear();
  assert.equal(app.group.size, 0);
  assert.equal(app.group.how, '');
  app.dispose();
});

test('a search selects what it finds, or leaves the selection alone and says why until the search is edited', async () => {
  const { app, view } = await started();
  view.selectLabel(0);
  view.setQuery('99999');
  assert.deepEqual(view.preview, { error: 'No shown image is number 99,999; the scatter shows the test set, numbers 0–11.' });
  assert.equal(view.queryError, null, 'no refusal is shown before the search is made');
  assert.equal(view.search(), false);
  assert.equal(view.queryError, 'No shown image is number 99,999; the scatter shows the test set, numbers 0–11.');
  assert.deepEqual(view.shown, [0, 5, 10], 'the selection is as it was');
  view.setQuery('5');
  assert.equal(view.queryError, null);
  assert.equal(view.search(), true);
  assert.deepEqual(view.shown, [5]);
  assert.equal(app.group.how, 'search “5”');
  view.setQuery('');
  assert.equal(view.search(), false);
  assert.equal(view.queryError, 'Type an image number (123), a range (100-199), a label name or label:3.');
  app.dispose();
});

test('file:text asks the engine for the shown images whose file name holds it; data with no file names says so before asking', async () => {
  assert.deepEqual(parseQuery('file: cat_0'), { query: { kind: 'file', text: 'cat_0' } });
  assert.deepEqual(parseQuery('file:'), { error: 'Say what the file name holds: file:cat, file:2024/.' });
  const { app, view, engine } = await started();
  view.setQuery('file:cat');
  assert.deepEqual(view.preview, { error: 'These images have no file names to search: only data read from an image folder has them.' });
  assert.equal(view.search(), false);
  assert.equal(engine.inputs('findImages').length, 0, 'nothing asked of data that has no names');
  app.dispose();

  const named = await started({ files: true });
  named.engine.findImages = async (input) => {
    named.engine.received.push({ method: 'findImages', input });
    return { numbers: input.contains === 'cat' ? [2, 7, 40] : [], searched: TEST_COUNT };
  };
  named.view.setQuery('file:cat');
  assert.equal(named.view.search(), true);
  await settle();
  assert.deepEqual(named.engine.inputs('findImages'), [{ contains: 'cat', among: 'test' }]);
  // 40 is a training image: found, kept in the selection, but not among the shown points.
  assert.deepEqual(named.view.shown, [2, 7]);
  assert.equal(named.app.group.how, 'search “file:cat”: 3 files');
  named.view.setQuery('file:dog');
  named.view.search();
  await settle();
  assert.equal(named.view.queryError, `No shown image's file name holds “dog”; ${TEST_COUNT} were searched.`);
  assert.equal(named.app.group.size, 3, 'a search that finds nothing leaves the selection alone');
  named.app.dispose();
});

test("the panel fetches the selection's first images and decodes the mean of its latent means", async () => {
  const { app, engine, view } = await started();
  await view.load();
  assert.deepEqual([view.images, view.mean], [null, null], 'no images, no mean');
  assert.equal(engine.inputs('decode').length, 0, 'nothing selected: nothing decoded');

  view.setQuery('label:2');
  view.search();
  await view.load();
  assert.deepEqual(view.images?.numbers, [2, 7]);
  assert.deepEqual(Array.from(view.images!.images.pixels.filter((_, i) => i % 4 === 0)), [Math.fround(0.02), Math.fround(0.07)]);
  // Images 2 and 7 have means (2, 4) and (7, 14): their mean is (4.5, 9).
  const z = engine.inputs('decode').at(-1)!.z;
  assert.deepEqual(Array.from(z), [4.5, 9]);
  assert.equal(view.mean?.count, 2);
  assert.equal(view.mean?.image.count, 1);

  // The same images are not fetched twice; the mean is decoded again (the points may have moved).
  const fetched = engine.inputs('testImages').length;
  await view.load();
  assert.equal(engine.inputs('testImages').length, fetched);

  // Only the first GRID_IMAGES are fetched.
  app.group.choose(
    Array.from({ length: TEST_COUNT }, (_, i) => i),
    'all',
  );
  await app.latent.choose('both', { method: 'auto' });
  app.group.choose(
    Array.from({ length: TEST_COUNT + TRAIN_COUNT }, (_, i) => i),
    'all',
  );
  await view.load();
  assert.deepEqual(
    view.images?.numbers,
    Array.from({ length: GRID_IMAGES }, (_, i) => i),
  );
  assert.equal(view.images?.images.count, GRID_IMAGES);
  app.dispose();
});

test('an answer overtaken by a newer selection is dropped', async () => {
  const { app, engine, view } = await started();
  view.selectLabel(0);
  const releaseImages = engine.holdImages();
  const releaseDecode = engine.holdNext('decode');
  const first = view.load();
  await settle();
  view.selectLabel(2);
  await view.load();
  assert.deepEqual(view.images?.numbers, [2, 7]);
  assert.equal(view.mean?.count, 2);
  // The first selection's answers come last, and change nothing.
  releaseImages();
  releaseDecode();
  await first;
  assert.deepEqual(view.images?.numbers, [2, 7]);
  assert.equal(view.mean?.count, 2);
  assert.deepEqual(Array.from(engine.inputs('decode').at(-1)!.z), [4.5, 9]);
  app.dispose();
});

test('showing another set keeps the selection but counts, draws and exports only the images shown', async () => {
  const { app, engine, view } = await started();
  view.setQuery('8-11');
  view.search();
  assert.deepEqual(view.shown, [8, 9, 10, 11]);
  await app.latent.choose('train', { method: 'auto' });
  assert.equal(app.group.size, 4, 'the selection keeps them');
  assert.deepEqual(view.shown, [], 'none of them is a training image');
  await view.load();
  assert.deepEqual([view.images, view.mean], [null, null], 'no images, no mean');
  view.setQuery('12-13');
  view.search('add');
  assert.deepEqual(view.shown, [12, 13]);
  const r = await view.exportCsv();
  assert.deepEqual(engine.inputs('exportCsv').at(-1), { what: 'selection', indices: [12, 13], view: { set: 'train', projection: { method: 'auto' } } });
  assert.equal(r?.filename, 'fashion-mnist-latent2-1ep-selection.csv');
  assert.equal(r?.text.split('\n').length, 3);
  await app.latent.choose('test', { method: 'auto' });
  assert.deepEqual(view.shown, [8, 9, 10, 11], 'the test images count again once shown');
  app.dispose();
});

test('a refused export is said beside the panel until the next export, and another model drops the selection and what the panel drew of it', async () => {
  const { app, engine, emit, view } = await started();
  assert.equal(await view.exportCsv(), undefined);
  assert.equal(app.notices.at('selection'), 'Nothing to export: the selection is empty.');
  assert.equal(app.notices.text, null, 'not in the notice line');
  view.selectLabel(0);
  assert.equal((await view.exportCsv())?.filename, 'fashion-mnist-latent2-1ep-selection.csv');
  assert.equal(app.notices.at('selection'), null, 'the next export takes the refusal away');

  view.selectLabel(3);
  await view.load();
  assert.ok(view.images && view.mean);
  emit('session', engine.replaceModel({ latentDim: 2 }));
  await settle();
  assert.equal(app.group.size, 0);
  await view.load();
  assert.deepEqual([view.images, view.mean], [null, null], 'no images, no mean');
  app.dispose();
});

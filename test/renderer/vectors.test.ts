import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  combine,
  describeTerms,
  differenceVector,
  lengthOf,
  meanOfRows,
  moveAlong,
  nameProblem,
  parseExpression,
  rowsOf,
} from '../../renderer/src/lib/vector-math.js';
import type { AttributeVector } from '../../src/contract/shapes.js';
import type { Input, Output } from '../../src/contract/index.js';
import { UserError } from '../../src/contract/errors.js';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { FakeEngine, settle, wire } from './fake-engine.js';

// Attribute vectors in the renderer: differences of means over the scatter's
// points, moving along a vector, and the strict parser of expressions; and
// how the vectors and bookmarks panels' state shows what the engine refuses.
registerSvelteRunes();
const { AppState } = await import('../../renderer/src/lib/state/app-state.js');
const { bookmarkNameProblem } = await import('../../renderer/src/lib/state/bookmarks.svelte.js');

/** Six points in 2 dims, image numbers 10–15, labels 0 0 0 1 1 2. */
const points = {
  first: 10,
  count: 6,
  latentDim: 2,
  mean: Float32Array.from([0, 0, 2, 0, 4, 0, 0, 6, 0, 8, 100, 100]),
  labels: Int32Array.from([0, 0, 0, 1, 1, 2]),
};

test('rows of image numbers: only those among the points shown', () => {
  assert.deepEqual(rowsOf(points, [12, 10, 9, 16, 15]), [0, 2, 5]);
  assert.deepEqual(Array.from(meanOfRows(points.mean, 2, [0, 1, 2])), [2, 0]);
});

test('mean of the selection − mean of the rest, leaving hidden classes out of the rest', () => {
  const d = differenceVector(points, { indices: new Set([10, 11, 12]), how: 'label 0' }, null, new Set([2]));
  assert.ok(!('error' in d));
  // A: (0,0),(2,0),(4,0) → (2,0); the rest without class 2: (0,6),(0,8) → (0,7).
  assert.deepEqual(d.vector, [2, -7]);
  assert.equal(d.description, 'mean of 3 images (label 0) − mean of the other 2 shown');
  const all = differenceVector(points, { indices: new Set([10, 11, 12]), how: '' }, null);
  assert.ok(!('error' in all));
  // Without hidden classes the rest is (0,6),(0,8),(100,100).
  const expected = [2 - 100 / 3, -(6 + 8 + 100) / 3];
  all.vector.forEach((v, k) => assert.ok(Math.abs(v - expected[k]!) < 1e-9, `dim ${k}: ${v}`));
});

test('mean of A − mean of B, and the sentences when a side is empty', () => {
  const d = differenceVector(points, { indices: new Set([13, 14]), how: 'label 1' }, { indices: new Set([10]), how: 'one' });
  assert.ok(!('error' in d));
  assert.deepEqual(d.vector, [0, 7]);
  assert.equal(d.description, 'mean of 2 images (label 1) − mean of 1 image (one)');
  assert.deepEqual(differenceVector(points, { indices: new Set([99]), how: '' }, null), {
    error: 'None of the images in A is among the points shown; show their set, or choose others.',
  });
  assert.deepEqual(differenceVector(points, { indices: new Set([10]), how: '' }, { indices: new Set([3]), how: '' }), {
    error: 'None of the selected images is among the points shown; show their set, or choose others.',
  });
  assert.match(
    (differenceVector(points, { indices: new Set([10, 11, 12, 13, 14, 15]), how: '' }, null) as { error: string }).error,
    /holds every point shown, so there is no rest/,
  );
  const long = differenceVector(points, { indices: new Set([10]), how: 'x'.repeat(600) }, null);
  assert.ok(!('error' in long) && long.description.length <= 500, 'a description fits the contract');
});

test('moving along a vector: z + t·v, and its length', () => {
  assert.deepEqual(Array.from(moveAlong([1, 2], [0.5, -1], -3)), [-0.5, 5]);
  assert.deepEqual(Array.from(moveAlong([1, 2], [0.5, -1], 0)), [1, 2]);
  assert.equal(lengthOf([3, 4]), 5);
});

const vec = (name: string, vector: number[]): AttributeVector => ({ name, description: '', vector });
const kept = [vec('smiling', [1, 0]), vec('neutral', [0, 1]), vec('glasses', [10, 10]), vec('thick − thin', [5, 0]), vec('a-b', [0, 3]), vec('a', [7, 7])];
const names = kept.map((v) => v.name);

test('expressions: + and − (or -) between known names, longest name first', () => {
  const p = parseExpression('smiling − neutral + glasses', names);
  assert.ok('terms' in p);
  assert.deepEqual(p.terms, [
    { sign: 1, name: 'smiling' },
    { sign: -1, name: 'neutral' },
    { sign: 1, name: 'glasses' },
  ]);
  assert.deepEqual(Array.from(combine(p.terms, kept, 2)), [11, 9]);
  assert.equal(describeTerms(p.terms), 'smiling − neutral + glasses');
  const ascii = parseExpression('  -smiling-neutral ', names);
  assert.ok('terms' in ascii);
  assert.deepEqual(Array.from(combine(ascii.terms, kept, 2)), [-1, -1]);
  assert.equal(describeTerms(ascii.terms), '−smiling − neutral');
  // Names with spaces and dashes are read whole.
  const odd = parseExpression('thick − thin - a-b + a', names);
  assert.ok('terms' in odd);
  assert.deepEqual(
    odd.terms.map((t) => t.name),
    ['thick − thin', 'a-b', 'a'],
  );
  assert.deepEqual(Array.from(combine(odd.terms, kept, 2)), [12, 4]);
});

test('expressions are refused with a sentence that names what is wrong', () => {
  const err = (text: string) => {
    const p = parseExpression(text, names);
    assert.ok('error' in p, `${text} should be refused`);
    return p.error;
  };
  assert.match(err('smiling − frowning + hats'), /^No vector is named “frowning”, “hats”\. The vectors kept are “smiling”, “neutral”/);
  assert.match(err(''), /Write vector names joined by \+ and −/);
  assert.match(err('smiling +'), /ends with “\+”; put a vector name after it/);
  assert.match(err('smiling + − neutral'), /Two signs stand in a row/);
  assert.match(err('smiling neutral'), /Put \+ or − between “smiling” and what follows it/);
  assert.match(err('smilingx'), /No vector is named “smilingx”/);
  assert.match((parseExpression('x', []) as { error: string }).error, /No vectors are kept yet/);
});

test('names are checked as the engine checks them', () => {
  assert.equal(nameProblem(''), 'Give it a name.');
  assert.equal(nameProblem('x'.repeat(81)), 'Keep the name to 80 characters.');
  assert.equal(nameProblem('tab\there'), 'A name cannot hold control characters.');
  assert.equal(nameProblem('smiling'), null);
});

/** Bookmarks kept in the fake engine beside the model; like the engine, it refuses a name kept already (unless replacing) and a third bookmark. */
const FAKE_LIMIT = 2;
class KeepEngine extends FakeEngine {
  override deleteVector = async (input: Input<'deleteVector'>): Promise<Output<'deleteVector'>> => {
    this.received.push({ method: 'deleteVector', input });
    if (!this.vectors.some((v) => v.name === input.name)) throw new UserError('NOT_FOUND', `There is no vector named "${input.name}".`);
    return (this.vectors = this.vectors.filter((v) => v.name !== input.name));
  };
  override saveBookmark = async (input: Input<'saveBookmark'>): Promise<Output<'saveBookmark'>> => {
    this.received.push({ method: 'saveBookmark', input });
    const { bookmark } = input;
    if (this.bookmarks.has(bookmark.name) && !input.replace) throw new UserError('MODEL_EXISTS', `A bookmark named "${bookmark.name}" already exists.`);
    if (!this.bookmarks.has(bookmark.name) && this.bookmarks.size >= FAKE_LIMIT) {
      throw new UserError('TOO_LARGE', `This model already keeps ${FAKE_LIMIT} bookmarks; delete some to save more.`);
    }
    this.bookmarks.set(bookmark.name, bookmark);
    return [...this.bookmarks.values()].map((b) => ({ name: b.name, savedAt: b.savedAt }));
  };
}

async function started() {
  const w = wire(new KeepEngine());
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await settle();
  return { ...w, app };
}

test("the engine's refusal of a vector is shown beside the vectors panel, not in the notice line, until the next action there", async () => {
  const { app, engine } = await started();
  app.notices.tell('Saved to /models/a.');
  await app.vectors.remove('gone');
  assert.equal(app.notices.at('vectors'), 'There is no vector named "gone".');
  assert.equal(app.notices.text, null, 'the notice line is cleared by the action and holds no refusal');
  assert.equal(app.notices.at('bookmarks'), null, 'only the vectors panel shows it');

  // A name the panel would not send is refused here all the same, in the same place, and never reaches the engine.
  await app.vectors.saveFromSelection('x'.repeat(81));
  assert.equal(app.notices.at('vectors'), 'Keep the name to 80 characters.');
  assert.equal(await app.vectors.saveFromSelection('smiling'), false, 'nothing selected: nothing to make');
  assert.match(app.notices.at('vectors') ?? '', /^(Select some images first|Wait for the points)/);
  assert.equal(engine.received.filter((r) => r.method === 'saveVector').length, 0);

  // The next action the engine takes clears it.
  engine.vectors = [{ name: 'up', description: 'by hand', vector: [1, 0, 0] }];
  await app.vectors.refresh();
  assert.equal(app.vectors.list.length, 1);
  await app.vectors.remove('up');
  assert.equal(app.notices.at('vectors'), null);
  assert.deepEqual(app.vectors.list, []);
  app.dispose();
});

test('bookmarks: a refusal stands beside the panel; a name kept already asks to replace it instead', async () => {
  const { app, engine } = await started();
  assert.equal(await app.bookmarks.open('nowhere'), false);
  assert.equal(app.notices.at('bookmarks'), 'No bookmark is called nowhere.');
  assert.equal(app.notices.text, null);

  const long = 'x'.repeat(81);
  assert.equal(await app.bookmarks.save(long), false);
  assert.equal(app.notices.at('bookmarks'), bookmarkNameProblem(long));
  assert.equal(engine.received.filter((r) => r.method === 'saveBookmark').length, 0);

  assert.equal(await app.bookmarks.save('here'), true);
  assert.equal(app.notices.at('bookmarks'), null, 'a save clears the last refusal');
  assert.deepEqual(
    app.bookmarks.list.map((b) => b.name),
    ['here'],
  );

  // The same name: a question, not a refusal; Replace saves over it.
  const again = app.bookmarks.save('here');
  await settle();
  assert.equal(app.confirm.question?.title, 'Replace the bookmark?');
  assert.equal(app.notices.at('bookmarks'), null);
  app.confirm.answer(true);
  assert.equal(await again, true);
  assert.deepEqual(
    engine.received.filter((r) => r.method === 'saveBookmark').map((r) => (r.input as Input<'saveBookmark'>).replace ?? false),
    [false, false, true],
  );

  assert.equal(await app.bookmarks.save('there'), true);
  assert.equal(await app.bookmarks.save('third'), false);
  assert.equal(app.notices.at('bookmarks'), `This model already keeps ${FAKE_LIMIT} bookmarks; delete some to save more.`);
  assert.equal(app.notices.at('vectors'), null);
  app.dispose();
});

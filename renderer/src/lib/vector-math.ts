import type { Output } from '../../../src/contract/index.js';
import { problem } from '../../../src/contract/fields.js';
import { AttributeVectorSchema, type AttributeVector } from '../../../src/contract/shapes.js';

// The maths of attribute vectors, free of state so it can be checked on its
// own: differences of means over the scatter's points, moving along a
// vector, and expressions of named vectors.

type LatentPoints = Output<'latentPoints'>;

/** How far the slider reaches either way, in lengths of the vector. */
export const MOVE_RANGE = 3;
/** The strip of decodes along a vector: t = −3 … 3. */
export const STRIP_TS = [-3, -2, -1, 0, 1, 2, 3] as const;

/** A set of image numbers and how it was chosen: the selection, or one set aside as A. */
export interface ImageGroup {
  indices: ReadonlySet<number>;
  how: string;
}

/** The mean of some rows of a count × dim matrix, in double precision. */
export function meanOfRows(values: Float32Array, dim: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(dim);
  for (const r of rows) for (let d = 0; d < dim; d++) out[d]! += values[r * dim + d]!;
  for (let d = 0; d < dim; d++) out[d]! /= rows.length;
  return out;
}

/** Rows of the shown points that hold these image numbers (row r is image first + r). */
export function rowsOf(points: Pick<LatentPoints, 'first' | 'count'>, indices: Iterable<number>): number[] {
  const rows: number[] = [];
  for (const i of indices) {
    const r = i - points.first;
    if (Number.isInteger(r) && r >= 0 && r < points.count) rows.push(r);
  }
  return rows.sort((a, b) => a - b);
}

export type Difference = { vector: number[]; description: string } | { error: string };

/**
 * mean(A) − mean(B) over the shown points' latent means. Without B, B is
 * the rest of the shown points (classes hidden from the scatter left out).
 */
export function differenceVector(
  points: Pick<LatentPoints, 'first' | 'count' | 'latentDim' | 'mean' | 'labels'>,
  a: ImageGroup,
  b: ImageGroup | null,
  hidden: ReadonlySet<number> = new Set(),
): Difference {
  const aRows = rowsOf(points, a.indices);
  if (aRows.length === 0) return { error: 'None of the images in A is among the points shown; show their set, or choose others.' };
  let bRows: number[];
  if (b) {
    bRows = rowsOf(points, b.indices);
    if (bRows.length === 0) return { error: 'None of the selected images is among the points shown; show their set, or choose others.' };
  } else {
    const inA = new Set(aRows);
    bRows = [];
    for (let r = 0; r < points.count; r++) {
      const label = points.labels?.[r];
      if (!inA.has(r) && (label === undefined || !hidden.has(label))) bRows.push(r);
    }
    if (bRows.length === 0) return { error: 'The selection holds every point shown, so there is no rest to compare it with; select fewer.' };
  }
  const ma = meanOfRows(points.mean, points.latentDim, aRows);
  const mb = meanOfRows(points.mean, points.latentDim, bRows);
  const vector = Array.from(ma, (v, d) => v - mb[d]!);
  if (!vector.every(Number.isFinite)) return { error: 'The means are not finite numbers; the model may have diverged.' };
  const what = (g: ImageGroup, n: number) => `${n} image${n === 1 ? '' : 's'}${g.how ? ` (${g.how})` : ''}`;
  const description = b
    ? `mean of ${what(a, aRows.length)} − mean of ${what(b, bRows.length)}`
    : `mean of ${what(a, aRows.length)} − mean of the other ${bRows.length} shown`;
  // The contract keeps descriptions to 500 characters; a long "how" is cut, not refused.
  return { vector, description: description.length > 500 ? `${description.slice(0, 499)}…` : description };
}

/** z + t·v. */
export function moveAlong(z: ArrayLike<number>, v: ArrayLike<number>, t: number): Float32Array {
  return Float32Array.from({ length: z.length }, (_, d) => z[d]! + t * v[d]!);
}

/** The Euclidean length of a vector. */
export function lengthOf(v: ArrayLike<number>): number {
  let s = 0;
  for (let d = 0; d < v.length; d++) s += v[d]! * v[d]!;
  return Math.sqrt(s);
}

export interface Term {
  sign: 1 | -1;
  name: string;
}

export type Parsed = { terms: Term[] } | { error: string };

const isOperator = (c: string) => c === '+' || c === '-' || c === '−';
const quote = (s: string) => `“${s}”`;

/**
 * Parses "smiling − neutral + glasses": vector names joined by + and − (or
 * '-'); a leading sign is allowed. Names may themselves hold spaces and
 * dashes ("thick − thin"), so at each place the longest known name wins.
 * Anything else is refused with a sentence naming what is wrong.
 */
export function parseExpression(text: string, names: readonly string[]): Parsed {
  const known = [...new Set(names)].sort((x, y) => y.length - x.length);
  const terms: Term[] = [];
  const unknown: string[] = [];
  let i = 0;
  let first = true;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skip();
  if (i === text.length) return { error: 'Write vector names joined by + and −, such as “smiling − neutral + glasses”.' };
  while (i < text.length) {
    let sign: 1 | -1 = 1;
    let op = false;
    if (isOperator(text[i]!)) {
      sign = text[i] === '+' ? 1 : -1;
      op = true;
      i++;
      skip();
      if (i === text.length) return { error: `The expression ends with “${text[i - 1] ?? ''}”; put a vector name after it.` };
      if (isOperator(text[i]!)) return { error: 'Two signs stand in a row; put a vector name between them.' };
    }
    if (!first && !op) {
      const prev = terms.at(-1)?.name ?? unknown.at(-1) ?? '';
      return { error: `Put + or − between ${quote(prev)} and what follows it.` };
    }
    const name = known.find((n) => text.startsWith(n, i) && (i + n.length === text.length || /[\s+\-−]/.test(text[i + n.length]!)));
    if (name !== undefined) {
      terms.push({ sign, name });
      i += name.length;
    } else {
      // Up to the next sign standing apart (or the end): what was meant as one name.
      let j = i;
      while (j < text.length && !(isOperator(text[j]!) && (j === 0 || /\s/.test(text[j - 1]!)))) j++;
      unknown.push(text.slice(i, j).trim());
      i = j;
    }
    first = false;
    skip();
  }
  if (unknown.length > 0) {
    const list = unknown.map(quote).join(', ');
    const have = names.length > 0 ? ` The vectors kept are ${names.map(quote).join(', ')}.` : ' No vectors are kept yet.';
    return { error: `No vector is named ${list}.${have}` };
  }
  return { terms };
}

/** The sum of the terms' vectors, signed; every name must be among `vectors`. */
export function combine(terms: readonly Term[], vectors: readonly AttributeVector[], dim: number): Float64Array {
  const out = new Float64Array(dim);
  for (const t of terms) {
    const v = vectors.find((x) => x.name === t.name)!.vector;
    for (let d = 0; d < dim; d++) out[d]! += t.sign * v[d]!;
  }
  return out;
}

/** The expression as parsed, written back with proper minus signs. */
export function describeTerms(terms: readonly Term[]): string {
  return terms.map((t, k) => (k === 0 ? (t.sign < 0 ? `−${t.name}` : t.name) : `${t.sign < 0 ? '−' : '+'} ${t.name}`)).join(' ');
}

/** What a vector's name must be, as the engine checks it: a sentence, or null when it will do. */
export function nameProblem(name: string): string | null {
  return problem(AttributeVectorSchema.shape.name, name);
}

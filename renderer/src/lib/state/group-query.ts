import type { Client } from '../../../../src/rpc/client.js';
import type { Output } from '../../../../src/contract/index.js';
import { LIMITS } from '../../../../src/contract/limits.js';
import type { PointSet } from '../../../../src/contract/shapes.js';

// The selection panel's pure logic: reading a search, finding what it picks
// among the points shown, and what the panel counts and averages.

export type Images = Output<'decode'>;

/** Characters a search may have: enough for any label name or range, short enough that no sentence quoting it runs on. */
export const QUERY_MAX = 80;
/** Images of the selection the panel shows. */
export const GRID_IMAGES = 48;

/** What the panel needs of the points the scatter shows: row r is image number `first + r`. */
export interface ShownPoints {
  set: PointSet;
  first: number;
  count: number;
  latentDim: number;
  mean: Float32Array;
  labels: Int32Array | null;
}

/** A search, read: one image, a range of them (both ends included), a label by number, or a label by (part of) its name. */
export type Query =
  | { kind: 'number'; n: number }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'label'; label: number }
  | { kind: 'name'; name: string }
  /** Images whose file name holds the text (data read from an image folder): the engine searches. */
  | { kind: 'file'; text: string };

export type Parsed = { query: Query } | { error: string } | { empty: true };
export type Resolved = { numbers: number[]; how: string } | { error: string } | { file: string; how: string };

/** 12,345: numbers as the panel writes them (and as a search may type them). */
export const fmt = (n: number): string => n.toLocaleString('en-US');

/** A person's text, quoted in a sentence: clipped, so a pasted page cannot fill the panel. */
function quote(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 39)}…` : text;
  return `“${t}”`;
}

/** Digits, or digits grouped by commas as the panel writes them; larger than any image number yields Infinity. */
function readNumber(text: string): number | null {
  const plain = /^\d+$/.test(text) ? text : /^\d{1,3}(,\d{3})+$/.test(text) ? text.replaceAll(',', '') : null;
  if (plain === null) return null;
  // Beyond fifteen digits a number is no image's; it is still a number, refused as one too large.
  return plain.length > 15 ? Infinity : Number(plain);
}

const RANGE = /^(#?[\d,]+)\s*(?:-|–|—|\.\.|to)\s*(#?[\d,]+)$/i;
// "label:3", "label 3", "label = Sneaker"; not a name that merely starts with "label".
const LABEL = /^label\s*(?:[:=]|\s)\s*(.*)$/i;
// "file:cat_01", "file: scans/2024": a part of the image's file name.
const FILE = /^file\s*:\s*(.*)$/i;

/**
 * Reads a search: "123" (or "#123", "1,234"), "100-199" (or 100–199, 100..199,
 * 100 to 199), "label:3", "file:text" (a part of the file name), or anything else as a label's name. Only fixed
 * patterns are matched; the text itself never becomes a pattern.
 */
export function parseQuery(raw: string): Parsed {
  if (raw.length > QUERY_MAX) return { error: `A search is at most ${QUERY_MAX} characters; this one has ${fmt(raw.length)}.` };
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return { empty: true };
  const one = readNumber(text.startsWith('#') ? text.slice(1) : text);
  if (one !== null) return { query: { kind: 'number', n: one } };
  const range = RANGE.exec(text);
  if (range) {
    const a = readNumber(range[1]!.replace(/^#/, ''));
    const b = readNumber(range[2]!.replace(/^#/, ''));
    if (a === null || b === null) return { error: `${quote(text)} is not a range of image numbers; write one as 100-199.` };
    return { query: { kind: 'range', from: Math.min(a, b), to: Math.max(a, b) } };
  }
  const file = FILE.exec(text);
  if (file) {
    if (file[1] === '') return { error: 'Say what the file name holds: file:cat, file:2024/.' };
    return { query: { kind: 'file', text: file[1]! } };
  }
  const label = LABEL.exec(text);
  if (label) {
    const rest = label[1]!;
    if (rest === '') return { error: 'Say which label: label:3, or label:Sneaker by name.' };
    if (/^\d{1,6}$/.test(rest)) return { query: { kind: 'label', label: Number(rest) } };
    if (/^[-+\d.,]+$/.test(rest)) return { error: `${quote(rest)} is no label number; labels are whole numbers from 0, as in label:3.` };
    return { query: { kind: 'name', name: rest } };
  }
  return { query: { kind: 'name', name: text } };
}

/** Which images the scatter shows, in words, with their numbers: "the test set, numbers 0–9,999". */
export function describeShown(p: Pick<ShownPoints, 'set' | 'first' | 'count'>): string {
  const what = p.set === 'test' ? 'the test set' : p.set === 'train' ? 'the training set' : 'the test and training sets';
  if (p.count === 0) return `${what}, which has no images`;
  return `${what}, numbers ${fmt(p.first)}–${fmt(p.first + p.count - 1)}`;
}

/** Whether image number `n` is among the points shown. */
export function isShown(p: Pick<ShownPoints, 'first' | 'count'>, n: number): boolean {
  return Number.isInteger(n) && n >= p.first && n < p.first + p.count;
}

/** The shown images among `numbers`, in ascending order. */
export function shownNumbers(numbers: Iterable<number>, p: Pick<ShownPoints, 'first' | 'count'> | null): number[] {
  if (!p) return [];
  const out: number[] = [];
  for (const n of numbers) if (isShown(p, n)) out.push(n);
  return out.sort((a, b) => a - b);
}

/** Every shown image with this label. */
export function withLabel(p: ShownPoints, label: number): number[] {
  const out: number[] = [];
  if (!p.labels) return out;
  for (let r = 0; r < p.count; r++) if (p.labels[r] === label) out.push(p.first + r);
  return out;
}

/** How many of these (shown) images carry each label, most first; unlabelled points count under null. */
export function countByLabel(numbers: readonly number[], p: ShownPoints): { label: number | null; count: number }[] {
  const m = new Map<number | null, number>();
  for (const n of numbers) {
    const l = p.labels ? (p.labels[n - p.first] ?? null) : null;
    m.set(l, (m.get(l) ?? 0) + 1);
  }
  return [...m.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label ?? -1) - (b.label ?? -1));
}

/** The mean of these (shown) images' latent means, summed in float64 so a large selection loses nothing to rounding. */
export function meanLatent(numbers: readonly number[], p: ShownPoints): Float32Array | null {
  if (numbers.length === 0) return null;
  const k = p.latentDim;
  const sum = new Float64Array(k);
  for (const n of numbers) {
    const row = (n - p.first) * k;
    for (let d = 0; d < k; d++) sum[d]! += p.mean[row + d]!;
  }
  return Float32Array.from(sum, (v) => v / numbers.length);
}

/** The labels the points can carry, each with its name: the dataset's classes, or the labels present. */
export function labelNames(p: ShownPoints | null, classNames: readonly string[] | null): { label: number; name: string }[] {
  if (classNames) return classNames.map((name, label) => ({ label, name }));
  if (!p?.labels) return [];
  const present = [...new Set(p.labels)].sort((a, b) => a - b);
  return present.map((label) => ({ label, name: String(label) }));
}

/** Lower case, single spaces: how label names are compared. */
const fold = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** The label a typed name means: its whole name, else the one name it starts; or why none. */
export function matchName(text: string, names: readonly { label: number; name: string }[]): { label: number } | { error: string } {
  const t = fold(text);
  const exact = names.find((n) => fold(n.name) === t);
  if (exact) return { label: exact.label };
  const starts = names.filter((n) => fold(n.name).startsWith(t));
  if (starts.length === 1) return { label: starts[0]!.label };
  if (starts.length > 1) {
    const listed = starts.slice(0, 4).map((n) => n.name);
    const more = starts.length > 4 ? ` and ${starts.length - 4} more` : '';
    return { error: `${quote(text)} could be ${listed.join(', ')}${more}; type more of the name.` };
  }
  const example = names.find((n) => !/^\d+$/.test(n.name))?.name;
  return {
    error: `${quote(text)} is not an image number, a range such as 100-199, ${example ? `a label name such as ${example}` : 'a label name'} or a label number such as label:3.`,
  };
}

/**
 * The shown images a search picks, and how to say it made the selection; or
 * a sentence on why it picks none, naming what the scatter shows.
 */
export function resolveQuery(q: Query, p: ShownPoints, names: readonly { label: number; name: string }[], raw: string, hasFiles = false): Resolved {
  const shown = describeShown(p);
  const how = `search ${quote(raw.trim())}`;
  if (q.kind === 'file') {
    if (!hasFiles) return { error: 'These images have no file names to search: only data read from an image folder has them.' };
    return { file: q.text, how };
  }
  if (q.kind === 'number') {
    if (!Number.isFinite(q.n)) return { error: `No image has a number that large; the scatter shows ${shown}.` };
    if (!isShown(p, q.n)) return { error: `No shown image is number ${fmt(q.n)}; the scatter shows ${shown}.` };
    return { numbers: [q.n], how };
  }
  if (q.kind === 'range') {
    const lo = Math.max(q.from, p.first);
    const hi = Math.min(q.to, p.first + p.count - 1);
    if (lo > hi) {
      const span = Number.isFinite(q.to) ? `${fmt(q.from)}–${fmt(q.to)}` : `from ${fmt(q.from)} up`;
      return { error: `No shown image lies in ${span}; the scatter shows ${shown}.` };
    }
    return { numbers: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i), how };
  }
  if (!p.labels) return { error: 'These images carry no labels, so none can be found by label.' };
  let label: number;
  if (q.kind === 'label') {
    if (!names.some((n) => n.label === q.label)) {
      const known = names.length > 0 ? `; the labels are ${fmt(names[0]!.label)}–${fmt(names[names.length - 1]!.label)}` : '';
      return { error: `There is no label ${q.label}${known}.` };
    }
    label = q.label;
  } else {
    const m = matchName(q.name, names);
    if ('error' in m) return m;
    label = m.label;
  }
  const name = names.find((n) => n.label === label)?.name ?? String(label);
  const numbers = withLabel(p, label);
  if (numbers.length === 0) return { error: `No shown image has label ${name}; the scatter shows ${shown}.` };
  return { numbers, how: `${how}: label ${name}` };
}

/** Images by number, asked for in parts no larger than one request may carry, put back together in order. */
export async function fetchImages(api: Pick<Client, 'testImages'>, numbers: readonly number[]): Promise<Images | null> {
  if (numbers.length === 0) return null;
  const parts: Images[] = [];
  for (let i = 0; i < numbers.length; i += LIMITS.testImages) parts.push(await api.testImages({ indices: numbers.slice(i, i + LIMITS.testImages) }));
  const head = parts[0]!;
  if (parts.length === 1) return head;
  const pixels = new Float32Array(parts.reduce((s, p) => s + p.pixels.length, 0));
  let at = 0;
  for (const p of parts) {
    pixels.set(p.pixels, at);
    at += p.pixels.length;
  }
  return { ...head, count: numbers.length, pixels };
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';

/** Element types an IDX file may declare (third byte of the magic number). */
const ELEMENT_TYPES = {
  0x08: { name: 'unsigned byte', size: 1 },
  0x09: { name: 'signed byte', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;
type ElementCode = keyof typeof ELEMENT_TYPES;

export interface IdxArray {
  dims: number[];
  type: ElementCode;
  /** Values as doubles, element order as in the file. */
  values: ArrayLike<number>;
}

function bad(file: string, what: string): UserError {
  return new UserError('BAD_FILE', `${path.basename(file)} is not a valid IDX file: ${what}.`);
}

/** Gunzips when the bytes start with the gzip magic; returns them unchanged otherwise. */
function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (err) {
      throw bad(file, `the gzip data is corrupt (${(err as Error).message})`);
    }
  }
  return bytes;
}

/**
 * Parses IDX bytes (raw or gzip). The magic number, element type, dimension
 * count and the file length are checked against each other, so a truncated or
 * mislabelled file is an error that names the file, never garbage.
 */
export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  const bytes = maybeGunzip(raw, file);
  if (bytes.length < 4) throw bad(file, `it is only ${bytes.length} bytes long`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw bad(file, 'the magic number does not start with two zero bytes');
  const code = bytes[2]! as ElementCode;
  const type = ELEMENT_TYPES[code];
  if (!type) throw bad(file, `unknown element type 0x${bytes[2]!.toString(16)}`);
  const ndims = bytes[3]!;
  if (ndims < 1) throw bad(file, 'it declares zero dimensions');
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) throw bad(file, 'the header is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLength + count * type.size;
  if (bytes.length !== expected) {
    throw bad(
      file,
      `its header declares ${dims.join('×')} ${type.name} values (${expected} bytes) but the file holds ${bytes.length} bytes`,
    );
  }
  return { dims, type: code, values: readValues(view, headerLength, count, code) };
}

function readValues(view: DataView, offset: number, count: number, code: ElementCode): ArrayLike<number> {
  if (code === 0x08) return new Uint8Array(view.buffer, view.byteOffset + offset, count);
  if (code === 0x09) return new Int8Array(view.buffer, view.byteOffset + offset, count);
  const out = new Float64Array(count);
  const size = ELEMENT_TYPES[code].size;
  for (let i = 0; i < count; i++) {
    const at = offset + i * size;
    out[i] =
      code === 0x0b
        ? view.getInt16(at, false)
        : code === 0x0c
          ? view.getInt32(at, false)
          : code === 0x0d
            ? view.getFloat32(at, false)
            : view.getFloat64(at, false);
  }
  return out;
}

export async function readIdxFile(file: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('NOT_FOUND', `${file} does not exist.`);
    throw new UserError('BAD_FILE', `Cannot read ${file} (${code ?? (err as Error).message}).`);
  }
  return parseIdx(bytes, file);
}

export interface ImageArray {
  count: number;
  height: number;
  width: number;
  /** count × height × width pixels, row-major, each in [0, 1]. */
  pixels: Float32Array;
}

/**
 * Turns an IDX array into images with pixels in [0, 1]. Accepts N×H×W, or
 * N×H×W×1. Bytes are divided by 255; float files must already lie in [0, 1].
 */
export function toImages(idx: IdxArray, file: string): ImageArray {
  const d = idx.dims;
  const ok = d.length === 3 || (d.length === 4 && d[3] === 1);
  if (!ok) {
    throw new UserError(
      'BAD_SHAPE',
      `${path.basename(file)} holds an array of shape ${d.join('×')}; images need count×height×width (one channel).`,
    );
  }
  const [count, height, width] = d as [number, number, number];
  if (count === 0 || height === 0 || width === 0) {
    throw new UserError('BAD_SHAPE', `${path.basename(file)} holds no images (shape ${d.join('×')}).`);
  }
  const n = count * height * width;
  const pixels = new Float32Array(n);
  const v = idx.values;
  if (idx.type === 0x08) {
    for (let i = 0; i < n; i++) pixels[i] = v[i]! / 255;
  } else if (idx.type === 0x0d || idx.type === 0x0e) {
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (!(x >= 0 && x <= 1)) {
        throw new UserError('BAD_FILE', `${path.basename(file)}: pixel ${i} is ${x}; float images must lie in [0, 1].`);
      }
      pixels[i] = x;
    }
  } else {
    throw new UserError(
      'BAD_FILE',
      `${path.basename(file)} stores ${ELEMENT_TYPES[idx.type].name} pixels; images must be unsigned bytes or floats in [0, 1].`,
    );
  }
  return { count, height, width, pixels };
}

/** Turns a one-dimensional integer IDX array into labels. */
export function toLabels(idx: IdxArray, file: string): Int32Array {
  if (idx.dims.length !== 1) {
    throw new UserError('BAD_SHAPE', `${path.basename(file)} has shape ${idx.dims.join('×')}; a label file is one-dimensional.`);
  }
  if (idx.type === 0x0d || idx.type === 0x0e) {
    throw new UserError('BAD_FILE', `${path.basename(file)} stores floats; labels must be integers.`);
  }
  return Int32Array.from(idx.values as ArrayLike<number>);
}

/** Encodes an array as IDX bytes (big-endian). Used for fixtures and exports. */
export function encodeIdx(dims: number[], values: ArrayLike<number>, type: 0x08 | 0x0d = 0x08): Uint8Array {
  const size = type === 0x08 ? 1 : 4;
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) {
    if (type === 0x08) out[header + i] = values[i]!;
    else view.setFloat32(header + 4 * i, values[i]!, false);
  }
  return out;
}

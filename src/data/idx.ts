import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../contract/errors.js';
import {
  ELEMENT_TYPES,
  MAX_IDX_HEADER_BYTES,
  MAX_IDX_VALUES,
  MAX_IDX_VALUE_BYTES,
  badIdx,
  lengthMismatch,
  parseIdxHeader,
  type ElementCode,
} from './idx-header.js';
import { readIdxBytes } from './idx-read.js';

export { MAX_IDX_VALUES, MAX_IDX_VALUE_BYTES } from './idx-header.js';

export interface IdxArray {
  dims: number[];
  type: ElementCode;
  /** Values in element order as in the file, in the narrowest array that holds them exactly. */
  values: ArrayLike<number>;
}

/** Gunzips when the bytes start with the gzip magic; returns them unchanged otherwise. */
function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // The cap bounds what a gzip bomb handed in as bytes can cost.
      return gunzipSync(bytes, { maxOutputLength: MAX_IDX_HEADER_BYTES + MAX_IDX_VALUE_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw badIdx(file, `it unpacks to more than the ${MAX_IDX_VALUE_BYTES} bytes a data file may hold`);
      }
      throw badIdx(file, `the gzip data is corrupt (${(err as Error).message})`);
    }
  }
  return bytes;
}

/** Decodes unpacked IDX bytes whose header and length are checked against each other. */
function decodeIdx(bytes: Uint8Array, file: string): IdxArray {
  const header = parseIdxHeader(bytes, file, true)!;
  if (bytes.length !== header.totalBytes) throw lengthMismatch(file, header, `the file holds ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dims: header.dims, type: header.type, values: readValues(view, header.headerLength, header.count, header.type) };
}

/**
 * Parses IDX bytes (raw or gzip). The magic number, element type, dimension
 * count and the file length are checked against each other, so a truncated or
 * mislabelled file is an error that names the file, never garbage.
 */
export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  return decodeIdx(maybeGunzip(raw, file), file);
}

function readValues(view: DataView, offset: number, count: number, code: ElementCode): ArrayLike<number> {
  if (code === 0x08) return new Uint8Array(view.buffer, view.byteOffset + offset, count);
  if (code === 0x09) return new Int8Array(view.buffer, view.byteOffset + offset, count);
  // Each wider type gets an array of its own kind: exact, and half the memory of doubles for float32.
  const out = code === 0x0b ? new Int16Array(count) : code === 0x0c ? new Int32Array(count) : code === 0x0d ? new Float32Array(count) : new Float64Array(count);
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

/**
 * Reads an IDX file (raw or .gz). Only a regular file whose length matches
 * its header is read, and never more than the caps in idx-header.ts allow, so
 * a device, a FIFO, a folder or a gzip bomb is refused at little cost. The
 * signal is honoured between reads (a UserError with code STOPPED).
 */
export async function readIdxFile(file: string, opts: { signal?: AbortSignal } = {}): Promise<IdxArray> {
  return decodeIdx(await readIdxBytes(file, opts.signal), file);
}

export interface ImageArray {
  count: number;
  height: number;
  width: number;
  /** IDX images are grey: one value per pixel. */
  channels: 1;
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
    throw new UserError('BAD_SHAPE', `${path.basename(file)} holds an array of shape ${d.join('×')}; images need count×height×width (one channel).`);
  }
  const [count, height, width] = d as [number, number, number];
  if (count === 0 || height === 0 || width === 0) {
    throw new UserError('BAD_SHAPE', `${path.basename(file)} holds no images (shape ${d.join('×')}).`);
  }
  const n = count * height * width;
  if (n > MAX_IDX_VALUES) {
    throw new UserError(
      'BAD_FILE',
      `${path.basename(file)} holds ${count} images of ${height}×${width}, ${n * 4} bytes as float32 pixels; ` +
        `at most ${MAX_IDX_VALUES * 4} bytes of pixels are loaded from one file, so use a smaller subset of the data.`,
    );
  }
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
    throw new UserError('BAD_FILE', `${path.basename(file)} stores ${ELEMENT_TYPES[idx.type].name} pixels; images must be unsigned bytes or floats in [0, 1].`);
  }
  return { count, height, width, channels: 1, pixels };
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

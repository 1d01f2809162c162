import path from 'node:path';
import { UserError } from '../contract/errors.js';

/** Element types an IDX file may declare (third byte of the magic number). */
export const ELEMENT_TYPES = {
  0x08: { name: 'unsigned byte', size: 1 },
  0x09: { name: 'signed byte', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;
export type ElementCode = keyof typeof ELEMENT_TYPES;

/** The longest header there is: magic number plus 255 dimensions. */
export const MAX_IDX_HEADER_BYTES = 4 + 4 * 255;

/**
 * The most values one IDX file may promise: 2^28, so its images as float32
 * pixels take at most 1 GiB. That is five times all of MNIST (55 M values),
 * 340,000 images of 28×28 or 16,000 of 128×128, and loading it peaks near
 * 2-3 GiB (file bytes, decoded values, pixels), which a 24 GB machine carries
 * beside a training run. Anything bigger is far more likely a mistake or an
 * attack than a dataset, and refusing it up front keeps the engine small.
 */
export const MAX_IDX_VALUES = 2 ** 28;
/** The most value bytes one IDX file may promise (1 GiB), whatever its element type. */
export const MAX_IDX_VALUE_BYTES = 2 ** 30;

export interface IdxHeader {
  dims: number[];
  type: ElementCode;
  headerLength: number;
  /** How many values the dimensions promise. */
  count: number;
  /** Header plus values: the exact length the file (unpacked) must have. */
  totalBytes: number;
}

export function badIdx(file: string, what: string): UserError {
  return new UserError('BAD_FILE', `${path.basename(file)} is not a valid IDX file: ${what}.`);
}

/** The sentence for a file whose length differs from what its header promises. */
export function lengthMismatch(file: string, h: IdxHeader, actual: string): UserError {
  const type = ELEMENT_TYPES[h.type].name;
  return badIdx(file, `its header declares ${h.dims.join('×')} ${type} values (${h.totalBytes} bytes) but ${actual}`);
}

/**
 * Reads the header at the start of `bytes`. Returns null when more bytes are
 * needed and `complete` is false (a stream still running); with `complete`
 * true, a short header is an error. A header that promises more than the caps
 * above is refused here, before anything is allocated for it.
 */
export function parseIdxHeader(bytes: Uint8Array, file: string, complete: boolean): IdxHeader | null {
  if (bytes.length < 4) {
    if (!complete) return null;
    throw badIdx(file, `it is only ${bytes.length} bytes long`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) throw badIdx(file, 'the magic number does not start with two zero bytes');
  const code = bytes[2]! as ElementCode;
  const type = ELEMENT_TYPES[code];
  if (!type) throw badIdx(file, `unknown element type 0x${bytes[2]!.toString(16)}`);
  const ndims = bytes[3]!;
  if (ndims < 1) throw badIdx(file, 'it declares zero dimensions');
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    if (!complete) return null;
    throw badIdx(file, 'the header is cut short');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  // A product of up to 255 numbers below 2^32 may pass 2^53; it only needs to compare right against the caps.
  const count = dims.reduce((a, b) => a * b, 1);
  const valueBytes = count * type.size;
  if (count > MAX_IDX_VALUES || valueBytes > MAX_IDX_VALUE_BYTES) {
    throw new UserError(
      'BAD_FILE',
      `${path.basename(file)} declares ${dims.join('×')} ${type.name} values (${valueBytes} bytes); ` +
        `one data file may hold at most ${MAX_IDX_VALUES} values and ${MAX_IDX_VALUE_BYTES} bytes, so use a smaller subset of the data.`,
    );
  }
  return { dims, type: code, headerLength, count, totalBytes: headerLength + valueBytes };
}

import { Packr } from 'msgpackr';

// MessagePack with typed arrays kept as typed arrays: a Float32Array of a
// million values crosses a WebSocket as 4 MB of binary, not as JSON text.
const packr = new Packr({ moreTypes: true, useRecords: false });

export function encodeMessage(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decodeMessage(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';
import { LIMITS, MAX_REQUEST_BYTES } from '../contract/limits.js';

// MessagePack with Float32Array and Int32Array kept as typed arrays: a
// million floats cross a WebSocket as 4 MB of binary, not as JSON text.
const codec = new ExtensionCodec();
const TYPES = [
  [1, Float32Array],
  [2, Int32Array],
] as const;

for (const [type, Ctor] of TYPES) {
  codec.register({
    type,
    encode: (value: unknown) => (value instanceof Ctor ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null),
    // Copy into a fresh, aligned buffer: the frame's bytes may start at any offset.
    decode: (data: Uint8Array) => new Ctor(data.slice().buffer),
  });
}

export function encodeMessage(value: unknown): Uint8Array {
  return encode(value, { extensionCodec: codec, ignoreUndefined: true });
}

/**
 * Decoder limits for what a peer sends: no string, list or map larger than a
 * legitimate request holds, so a small frame cannot declare a huge one.
 */
const DECODE_LIMITS = {
  maxStrLength: 64 * 1024,
  maxBinLength: MAX_REQUEST_BYTES,
  maxExtLength: MAX_REQUEST_BYTES,
  maxArrayLength: Math.max(LIMITS.testImages, 4096),
  maxMapLength: 256,
};

export function decodeMessage(bytes: Uint8Array): unknown {
  return decode(bytes, { extensionCodec: codec, ...DECODE_LIMITS });
}

/** Decodes a reply from our own engine: its sizes are bounded by LIMITS already. */
export function decodeReply(bytes: Uint8Array): unknown {
  return decode(bytes, { extensionCodec: codec });
}

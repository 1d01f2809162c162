import { z } from 'zod';
import type { ErrorBody } from '../contract/shapes.js';

export type { ErrorBody };

/** The envelope every transport carries. Requests carry an id the response repeats. */
export const RequestMessageSchema = z.object({
  t: z.literal('req'),
  id: z.number().int(),
  method: z.string(),
  input: z.unknown(),
  /** The model id the client believes current (model-bound requests only). */
  model: z.number().int().optional(),
});
export type RequestMessage = z.infer<typeof RequestMessageSchema>;

export type ResponseMessage = { t: 'res'; id: number | null; ok: true; value: unknown } | { t: 'res'; id: number | null; ok: false; error: ErrorBody };

export interface EventMessage {
  t: 'evt';
  name: string;
  payload: unknown;
}

export type WireMessage = RequestMessage | ResponseMessage | EventMessage;

/** One end of a message channel: structured values in and out. */
export interface Endpoint {
  send(message: WireMessage): void;
  /** Registers the handler for incoming messages; returns an unsubscribe function. */
  onMessage(handler: (message: unknown) => void): () => void;
}

/**
 * A rough size of a decoded value in bytes (typed arrays by their bytes,
 * strings by their length), so the server can refuse oversized input whatever
 * the transport.
 */
export function approximateSize(value: unknown, depth = 0): number {
  if (depth > 32) return Infinity;
  if (value === null || value === undefined) return 1;
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object') return 8;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let n = 2;
  if (Array.isArray(value)) {
    for (const v of value) n += approximateSize(v, depth + 1) + 1;
    return n;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) n += k.length + approximateSize(v, depth + 1);
  return n;
}

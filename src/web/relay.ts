import type { MessagePort } from 'node:worker_threads';
import type { RawData, WebSocket } from 'ws';
import { LIMITS } from '../contract/limits.js';
import { decodeMessage, encodeMessage } from '../rpc/codec.js';
import { nestedDeeperThan } from '../rpc/guard.js';
import type { ResponseMessage } from '../rpc/wire.js';

/**
 * Bytes a client may leave unread before it is closed: above the largest reply
 * (LIMITS.replyFloats), so only a client that stopped reading ever reaches it.
 */
export const MAX_BUFFERED = 2 * LIMITS.replyFloats * 4;

export interface RelayLog {
  (line: string): void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function idOf(msg: unknown): number | null {
  const id = (msg as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

/**
 * Relays one WebSocket to its own engine port. Binary frames are MessagePack;
 * text frames are JSON (handy for poking at the API). Whatever arrives, the
 * relay answers or drops it and stays up: a frame that does not decode, nests
 * too deep or cannot be posted gets an error reply; a connection with too many
 * requests waiting is told to wait; a client that stops reading is closed
 * rather than buffered for.
 */
export function relay(ws: WebSocket, port: MessagePort, log: RelayLog): void {
  let inFlight = 0;
  const sendBack = (msg: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(encodeMessage(msg));
    } catch (err) {
      log(`a reply could not be sent (${(err as Error).message})`);
      return;
    }
    if (ws.bufferedAmount > MAX_BUFFERED) {
      log(`closed a client that left ${ws.bufferedAmount} bytes unread`);
      ws.terminate();
    }
  };
  const refuse = (id: number | null, code: string, message: string) => {
    const reply: ResponseMessage = { t: 'res', id, ok: false, error: { code, message } };
    sendBack(reply);
  };
  port.on('message', (msg: unknown) => {
    if ((msg as { t?: unknown } | null)?.t === 'res') inFlight = Math.max(0, inFlight - 1);
    sendBack(msg);
  });
  ws.on('message', (data, isBinary) => {
    let msg: unknown;
    try {
      msg = isBinary ? decodeMessage(toBytes(data)) : JSON.parse(Buffer.from(toBytes(data)).toString('utf8'));
    } catch {
      refuse(null, 'BAD_REQUEST', isBinary ? 'The message is not valid MessagePack.' : 'The message is not valid JSON.');
      return;
    }
    if (nestedDeeperThan(msg)) {
      refuse(idOf(msg), 'BAD_REQUEST', `The message nests deeper than ${LIMITS.depth} levels; no request needs that.`);
      return;
    }
    if (inFlight >= LIMITS.inFlight) {
      refuse(idOf(msg), 'TOO_MANY', `This connection already has ${LIMITS.inFlight} requests waiting; wait for their answers.`);
      return;
    }
    try {
      port.postMessage(msg);
      inFlight++;
    } catch (err) {
      refuse(idOf(msg), 'BAD_REQUEST', `The message cannot be passed to the engine (${(err as Error).message}).`);
    }
  });
  ws.on('error', (err) => log(`a connection failed (${err.message})`));
  ws.on('close', () => port.close());
}

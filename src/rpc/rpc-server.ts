import { z } from 'zod';
import { events, modelBound, requests, type EngineApi, type EventName, type Method, type Payload } from '../contract/index.js';
import { toErrorBody } from '../contract/errors.js';
import { describeIssues, namesItsField } from '../contract/fields.js';
import { MAX_INPUT_BYTES } from '../contract/limits.js';
import { approximateSize, RequestMessageSchema, type Endpoint, type ResponseMessage } from './wire.js';

export interface ServerOptions {
  /** Requests whose input is larger than this many bytes are refused. */
  maxInputBytes?: number;
  /** The id of the current model, for refusing requests made for one that was since replaced. */
  currentModel?: () => number;
}

/** A refused input in words: the contract's sentences name their fields and stand alone; anything else is told with the method. */
function describeInput(method: string, error: z.ZodError): string {
  return error.issues.every((i) => namesItsField(i.message)) ? describeIssues(error) : `${method}: ${describeIssues(error)}`;
}

/**
 * Serves an engine over any number of endpoints: checks the method name,
 * parses the input against the contract, calls the engine, and answers
 * {ok, value} or {ok: false, error}. A malformed message gets an error reply
 * and the next message is served as usual. Events go to every endpoint.
 */
export class RpcServer {
  private readonly endpoints = new Set<Endpoint>();
  private readonly maxInput: number;

  private readonly currentModel: (() => number) | null;

  constructor(
    private readonly engine: EngineApi,
    opts: ServerOptions = {},
  ) {
    this.maxInput = opts.maxInputBytes ?? MAX_INPUT_BYTES;
    this.currentModel = opts.currentModel ?? null;
  }

  /** Starts serving an endpoint; returns a function that stops. */
  attach(endpoint: Endpoint): () => void {
    this.endpoints.add(endpoint);
    const off = endpoint.onMessage((m) => void this.handle(endpoint, m));
    return () => {
      off();
      this.endpoints.delete(endpoint);
    };
  }

  emit<E extends EventName>(name: E, payload: Payload<E>): void {
    const checked = events[name].parse(payload);
    for (const ep of this.endpoints) ep.send({ t: 'evt', name, payload: checked });
  }

  private reply(ep: Endpoint, msg: ResponseMessage): void {
    try {
      ep.send(msg);
    } catch {
      // The other end went away; nothing to tell it.
    }
  }

  private async handle(ep: Endpoint, raw: unknown): Promise<void> {
    const parsed = RequestMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
      this.reply(ep, { t: 'res', id, ok: false, error: { code: 'BAD_REQUEST', message: `Malformed request: ${describeIssues(parsed.error)}` } });
      return;
    }
    const { id, method, input, model } = parsed.data;
    if (!Object.hasOwn(requests, method)) {
      this.reply(ep, { t: 'res', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `There is no method "${method}".` } });
      return;
    }
    if (model !== undefined && this.currentModel && modelBound.has(method) && model !== this.currentModel()) {
      const message = 'The model changed in another window; this window now shows the new one. Try again.';
      this.reply(ep, { t: 'res', id, ok: false, error: { code: 'MODEL_CHANGED', message } });
      return;
    }
    const size = approximateSize(input);
    if (size > this.maxInput) {
      this.reply(ep, { t: 'res', id, ok: false, error: { code: 'TOO_LARGE', message: `The request is ${size} bytes; the limit is ${this.maxInput}.` } });
      return;
    }
    const m = method as Method;
    const checked = requests[m].input.safeParse(input ?? {});
    if (!checked.success) {
      this.reply(ep, { t: 'res', id, ok: false, error: { code: 'BAD_REQUEST', message: describeInput(method, checked.error) } });
      return;
    }
    try {
      const call = this.engine[m] as (input: unknown) => Promise<unknown>;
      const value = await call.call(this.engine, checked.data);
      this.reply(ep, { t: 'res', id, ok: true, value });
    } catch (err) {
      this.reply(ep, { t: 'res', id, ok: false, error: toErrorBody(err) });
    }
  }
}

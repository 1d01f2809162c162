import type { ErrorBody } from './shapes.js';

/**
 * Errors a person can meet: a stable code for programs, a sentence for people.
 * Everything the engine throws on bad input is one of these.
 */
export type ErrorCode =
  | 'BAD_FILE'
  | 'NOT_FOUND'
  | 'BAD_SHAPE'
  | 'BAD_CONFIG'
  | 'BAD_MODEL'
  | 'WRITE_FAILED'
  | 'NOT_FINITE'
  | 'STOPPED'
  | 'BUSY'
  | 'BAD_REQUEST'
  /** A save would replace a model; it needs the user's say (the app asks, the CLI wants --force). */
  | 'MODEL_EXISTS'
  /** The current model has epochs that were never saved; discarding them needs the user's say. */
  | 'UNSAVED'
  /** A request was made for a model that another window has since replaced. */
  | 'MODEL_CHANGED'
  | 'TOO_LARGE'
  | 'TIMEOUT'
  | 'INTERNAL';

export class UserError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
    this.code = code;
  }
}

/** An error as it crosses a thread or a socket: the contract's one error body. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof UserError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

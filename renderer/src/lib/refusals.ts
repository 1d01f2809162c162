import { RpcError } from '../../../src/rpc/client.js';

/** Whether an engine call was refused with this code. */
export function refused(err: unknown, code: string): err is RpcError {
  return err instanceof RpcError && err.code === code;
}

/**
 * The question to ask before replacing a saved model, from the engine's
 * MODEL_EXISTS sentence ("/abs already holds a model (MNIST, latent 3, …).").
 */
export function replaceQuestion(message: string): string {
  const m = /^(.+) already holds a model \((.+)\)\.$/s.exec(message);
  return m ? `Replace the model in ${m[1]} (${m[2]})?` : `${message} Replace it?`;
}

import type { Client } from '../../../../src/rpc/client.js';
import { refused } from '../refusals.js';
import type { Notices, Place } from './notices.svelte.js';

/**
 * Engine calls as the UI makes them: an error comes back as a sentence in
 * the notice line instead of a throw, and a refusal because the model
 * changed in another window makes this window catch up.
 */
export class Calls {
  readonly notices: Notices;
  readonly #catchUp: () => void;

  constructor(
    readonly api: Client,
    notices: Notices,
    catchUp: () => void,
  ) {
    this.notices = notices;
    this.#catchUp = catchUp;
  }

  /**
   * Shows why a call failed, in words: beside the control that made it when
   * a place is given, else in the notice line; a model changed elsewhere
   * makes this window catch up instead.
   */
  fail(err: unknown, place?: Place): void {
    if (refused(err, 'MODEL_CHANGED')) {
      this.notices.tell('The model changed in another window; this window now shows the new one.');
      this.#catchUp();
    } else if (refused(err, 'DISCONNECTED')) {
      // Every call cut short says the same, so a drop that fails many shows one sentence.
      this.notices.tell('The connection to the engine was lost; what was asked was not done.', 'error');
    } else if (place) {
      this.notices.tellAt(place, err instanceof Error ? err.message : String(err));
    } else {
      this.notices.tell(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  /**
   * Runs a user's action: the last notice (and the last refusal at its
   * place) goes first, and an error is shown instead of thrown (undefined
   * comes back), beside the control when a place is given.
   */
  act<T>(fn: () => Promise<T>, place?: Place): Promise<T | undefined> {
    this.notices.clear();
    if (place) this.notices.dismiss(place);
    return this.background(fn, place);
  }

  /** Runs a call the user did not ask for (a refresh): the notice stays; an error is shown instead of thrown. */
  async background<T>(fn: () => Promise<T>, place?: Place): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.fail(err, place);
      return undefined;
    }
  }
}

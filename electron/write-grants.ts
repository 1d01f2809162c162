import type { PathRequest } from '../src/contract/desktop.js';
import type { ResponseMessage } from '../src/rpc/wire.js';

/** What the renderer is told when it asks to save anywhere else. */
export const SAVE_REFUSED = 'The desktop app saves a model only to a folder chosen in its "Save model as…" dialog.';

/**
 * The folders a model may be written to: exactly the paths the main process
 * itself returned from a "Save model as…" or "Open model…" dialog in this run
 * (an opened model may be saved back to its own folder). A page that has been
 * subverted can ask the engine for anything; it cannot make the user pick a
 * folder, so this is the line between a renderer and the user's disk.
 */
export class WriteGrants {
  readonly #folders = new Set<string>();

  /** Records a native dialog's answer; data chosen for reading (IDX) grants nothing. */
  record(purpose: PathRequest['purpose'], chosen: string): void {
    if (purpose === 'save-model' || purpose === 'open-model') this.#folders.add(chosen);
  }

  /** Compared as the very string the dialog returned: no normalising, so no `granted/../elsewhere`. */
  maySaveTo(dir: string): boolean {
    return this.#folders.has(dir);
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The bridge's own answer to a request that would write where no dialog
 * granted, or null when the request may go on to the engine. Anything that is
 * not a saveModel request passes: the engine parses and answers it.
 */
export function refuseUngrantedWrite(message: unknown, grants: WriteGrants): ResponseMessage | null {
  if (field(message, 't') !== 'req' || field(message, 'method') !== 'saveModel') return null;
  const dir = field(field(message, 'input'), 'dir');
  if (typeof dir === 'string' && grants.maySaveTo(dir)) return null;
  const id = field(message, 'id');
  return { t: 'res', id: typeof id === 'number' && Number.isInteger(id) ? id : null, ok: false, error: { code: 'BAD_REQUEST', message: SAVE_REFUSED } };
}

/** Failed tries after which the connection banner suggests the server may have restarted with a new token. */
export const TRIES_BEFORE_HINT = 3;

export type ConnectionPhase = 'connecting' | 'ready' | 'lost';

/** Whether this window can talk to the engine, and what to say when it comes back. */
export class ConnectionState {
  #phase = $state<ConnectionPhase>('connecting');
  /** Tries to reconnect that failed since the connection was lost. */
  #failures = $state(0);

  get phase(): ConnectionPhase {
    return this.#phase;
  }

  get failures(): number {
    return this.#failures;
  }

  /** Whether the banner should point to the address the server printed (it may have restarted with a new token). */
  readonly suggestNewAddress = $derived(this.#phase === 'lost' && this.#failures >= TRIES_BEFORE_HINT);

  opened(): void {
    this.#phase = 'ready';
  }

  lost(failures: number): void {
    this.#phase = 'lost';
    this.#failures = failures;
  }

  /**
   * The connection is back and this window has caught up: returns what to
   * tell the user survived, which depends on whether the same engine answered.
   */
  restored(sameEngine: boolean, recoverable: boolean): string {
    this.#phase = 'ready';
    this.#failures = 0;
    if (sameEngine) return 'Reconnected; the engine kept everything.';
    return `The engine restarted: a model that was only in memory is gone.${recoverable ? ' Its last autosave can be reopened.' : ''}`;
  }
}

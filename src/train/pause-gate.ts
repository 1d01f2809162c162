/** A gate the training loop awaits between batches: open runs, closed waits. */
export class PauseGate {
  private waiting: Promise<void> | null = null;
  private release: (() => void) | null = null;

  get paused(): boolean {
    return this.waiting !== null;
  }

  pause(): void {
    if (this.waiting) return;
    this.waiting = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  resume(): void {
    const r = this.release;
    this.waiting = null;
    this.release = null;
    r?.();
  }

  /** Resolves at once when open, else when resumed. */
  wait(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }
}

/** How a change to the selection combines with what is selected. */
export type GroupMode = 'replace' | 'add' | 'remove';

/**
 * The selection: a set of image numbers (test images first, then training
 * images) chosen with the box, the lasso, a label or a search, and how it was
 * made, in words. The scatter highlights it; the selection panel shows it.
 */
export class GroupState {
  #indices = $state.raw<ReadonlySet<number>>(new Set());
  #how = $state('');

  get indices(): ReadonlySet<number> {
    return this.#indices;
  }

  get size(): number {
    return this.#indices.size;
  }

  /** "box: 312 points", "label 7", "search “12”": what made the selection. */
  get how(): string {
    return this.#how;
  }

  /** Replaces the selection with these images, adds them to it, or takes them out of it. */
  choose(indices: Iterable<number>, how: string, mode: GroupMode = 'replace'): void {
    const next = mode === 'replace' ? new Set<number>() : new Set(this.#indices);
    for (const i of indices) {
      if (mode === 'remove') next.delete(i);
      else next.add(i);
    }
    this.#indices = next;
    this.#how = mode === 'replace' || !this.#how ? how : `${this.#how}, ${mode === 'add' ? '+' : '−'} ${how}`;
    if (next.size === 0) this.#how = '';
  }

  clear(): void {
    this.#indices = new Set();
    this.#how = '';
  }
}

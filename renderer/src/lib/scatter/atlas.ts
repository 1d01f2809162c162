/**
 * The cells of a texture atlas, handed out to keys (image numbers) and taken
 * back least recently used first: images that scroll out of the chosen set
 * keep their cells until the room is needed, so coming back to them costs
 * no upload.
 */
export class AtlasCells {
  /** Key → cell; the Map's order is the order of last use, oldest first. */
  readonly #cellOf = new Map<number, number>();
  readonly #free: number[];

  constructor(readonly capacity: number) {
    // Popped from the end: cell 0 is handed out first.
    this.#free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
  }

  /** The cell holding `key`, or undefined; marks it as just used. */
  get(key: number): number | undefined {
    const cell = this.#cellOf.get(key);
    if (cell !== undefined) {
      this.#cellOf.delete(key);
      this.#cellOf.set(key, cell);
    }
    return cell;
  }

  /**
   * A cell for `key`: its own when it has one (fresh: false), else a free
   * one, else the least recently used one whose key is not in `keep` (fresh:
   * true: its pixels must be written). Null when every cell is kept.
   */
  place(key: number, keep: ReadonlySet<number>): { cell: number; fresh: boolean } | null {
    const own = this.get(key);
    if (own !== undefined) return { cell: own, fresh: false };
    let cell = this.#free.pop();
    if (cell === undefined) {
      for (const [k, c] of this.#cellOf) {
        if (keep.has(k)) continue;
        this.#cellOf.delete(k);
        cell = c;
        break;
      }
    }
    if (cell === undefined) return null;
    this.#cellOf.set(key, cell);
    return { cell, fresh: true };
  }

  /** How many cells hold a key. */
  get used(): number {
    return this.#cellOf.size;
  }
}

/**
 * An atlas for cells of `cell` × `cell` texels: square, no wider than `max`,
 * with room for about twice `want` cells where that fits (so panning back
 * finds its images still there).
 */
export function atlasLayout(cell: number, want: number, max = 2048): { cols: number; side: number; capacity: number } {
  const cols = Math.max(1, Math.min(Math.floor(max / cell), Math.ceil(Math.sqrt(2 * want))));
  return { cols, side: cols * cell, capacity: cols * cols };
}

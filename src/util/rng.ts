/**
 * A small seeded generator (mulberry32) for shuffles and per-batch seeds, so a
 * seeded run reproduces its numbers. Not for cryptography.
 */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  private spare: number | null = null;

  /** A standard normal draw (Box–Muller; each pair of uniforms gives two, the second kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(Math.max(this.next(), 1e-12)));
    const t = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /** An integer seed for tfjs random ops. */
  seed(): number {
    return Math.floor(this.next() * 2147483647);
  }
  /** Fisher–Yates shuffle in place. */
  shuffle(a: Uint32Array): Uint32Array {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }
}

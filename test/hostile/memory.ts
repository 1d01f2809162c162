import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

const MB = 2 ** 20;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface MemoryFigures {
  attack: string;
  /** Resident set size, in bytes, before the attack, at its highest during it, and after it settled. */
  before: number;
  peak: number;
  after: number;
}

/**
 * This thread's garbage collector: global.gc where node runs with --expose-gc,
 * else exposed the way jest-leak-detector does it. It collects this thread
 * only; the engine thread collects on its own.
 */
function collector(): (() => void) | null {
  const own = (globalThis as { gc?: () => void }).gc;
  if (own) return own;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => void gc() : null;
  } catch {
    return null;
  }
}

const gc = collector();

/** Collects this thread's garbage, waits, collects again, and reads the resident set size. */
async function settle(ms: number): Promise<number> {
  gc?.();
  await sleep(ms);
  gc?.();
  return process.memoryUsage().rss;
}

const mb = (bytes: number) => (bytes / MB).toFixed(0);

/**
 * Watches this process's resident memory (it hosts the server and the engine
 * thread) around each attack: before, the peak sampled while it runs, after.
 */
export class MemoryLog {
  readonly rows: MemoryFigures[] = [];

  constructor(private readonly settleMs = 1500) {}

  /**
   * Runs `fn` between readings. The engine thread collects its garbage (a
   * replaced dataset is hundreds of MB) only when it next needs memory, so when
   * the first reading after is more than `retained` above the one before, it
   * reads again for a while and keeps the lowest: memory that is really held
   * never comes back, garbage does.
   */
  async measure<T>(attack: string, fn: () => Promise<T>, retained = Infinity): Promise<{ result: T; figures: MemoryFigures }> {
    const before = await settle(this.settleMs);
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let result: T;
    try {
      result = await fn();
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    let after = await settle(this.settleMs);
    for (let i = 0; i < 40 && after - before >= retained; i++) after = Math.min(after, await settle(250));
    const figures = { attack, before, peak, after };
    this.rows.push(figures);
    console.log(`memory ${attack}: before ${mb(before)} MB, peak ${mb(peak)} MB, after ${mb(after)} MB`);
    return { result, figures };
  }

  table(): string {
    const width = Math.max(6, ...this.rows.map((r) => r.attack.length));
    const line = (a: string, b: string, p: string, f: string) => `${a.padEnd(width)} | ${b.padStart(9)} | ${p.padStart(9)} | ${f.padStart(9)}`;
    return [
      line('attack', 'before MB', 'peak MB', 'after MB'),
      '-'.repeat(width + 36),
      ...this.rows.map((r) => line(r.attack, mb(r.before), mb(r.peak), mb(r.after))),
    ].join('\n');
  }
}

export { MB };

import { LIMITS } from '../contract/limits.js';

/**
 * Whether a decoded message nests deeper than `max`. Iterative, so a message
 * nested thousands deep cannot overflow the stack while it is being checked
 * (structured clone and recursive code would).
 */
export function nestedDeeperThan(value: unknown, max: number = LIMITS.depth): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (d >= max) return true;
    // A wide message is bounded by the frame cap; this bounds the work.
    if (++visited > 1_000_000) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

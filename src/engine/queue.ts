import { UserError } from '../contract/errors.js';

/**
 * Runs state-changing requests one at a time, in the order they came (an
 * "open" still loading must not land on top of a "train" sent after it), and
 * never lets one stuck request block the rest: past its deadline a job's
 * signal is aborted, its caller is told, and the next job starts. A job must
 * check its signal before it commits anything, so a late finish changes nothing.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly timeoutMs: number) {}

  run<T>(what: string, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const start = async (): Promise<T> => {
      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new UserError(
            'TIMEOUT',
            `${what} took longer than ${(this.timeoutMs / 1000).toFixed(this.timeoutMs < 10_000 ? 1 : 0)} s and was abandoned; nothing changed. ` +
              'Check that the path names a regular file on a disk that answers.',
          );
          abort.abort(err);
          reject(err);
        }, this.timeoutMs);
      });
      try {
        return await Promise.race([job(abort.signal), deadline]);
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.tail.then(start, start);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

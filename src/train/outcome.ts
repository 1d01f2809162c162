import type { EpochRecord } from '../contract/shapes.js';
import type { TrainResult } from './trainer.js';

/** Which weights a model holds after a run ended early, said once for the app and the command line. */
function kept(history: EpochRecord[]): string {
  const last = history.at(-1);
  return last ? `the weights of epoch ${last.epoch}, the last one finished` : 'the weights it started with, as no epoch finished';
}

/** What a stop left, or null when the run simply finished. */
export function stopOutcome(result: Pick<TrainResult, 'stopped' | 'stoppedAt' | 'history'>): string | null {
  if (!result.stopped) return null;
  const at = result.stoppedAt;
  if (!at) return `Stopped after epoch ${result.history.at(-1)?.epoch ?? 0}, between epochs: nothing was set aside.`;
  const part = `${at.batch} of its ${at.batches} batches`;
  return `Stopped during epoch ${at.epoch}, after ${part}. The model keeps ${kept(result.history)}; those batches were set aside, so Continue starts epoch ${at.epoch} afresh.`;
}

/** What a non-finite loss left: the model is back where its last good epoch left it, and works. */
export function failureOutcome(history: EpochRecord[]): string {
  return (
    `The model is back at ${kept(history)}: the scatter, decodes and exports show it, and it can be saved. ` +
    'Continuing at the same learning rate is likely to fail again: train anew with a lower one.'
  );
}

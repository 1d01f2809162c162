import { writeVectors } from '../../model/keepsakes.js';
import type { EngineApi } from '../../contract/index.js';
import type { Session } from '../../contract/schemas.js';
import type { ModelConfig } from '../../contract/shapes.js';
import { DEFAULT_TRAIN } from '../../contract/defaults.js';
import { loadDataset } from '../../data/load.js';
import { createModel } from '../../model/architectures.js';
import { TrainingJob } from '../../train/training-job.js';
import { measureStep } from '../../train/measure.js';
import { failureOutcome, stopOutcome } from '../../train/outcome.js';
import { NonFiniteLoss } from '../../train/trainer.js';
import { UserError } from '../../contract/errors.js';
import type { Handlers, Serial } from './types.js';
import type { SessionState } from '../session-state.js';

/** How often, at most, the UI is told to redraw the latent space while training. */
const LATENT_REFRESH_MS = 2000;

type TrainingMethods = 'startTraining' | 'measureTraining' | 'continueTraining' | 'pauseTraining' | 'resumeTraining' | 'stopTraining';

type Status = Session['status'];
/** Which states each control is allowed in, what it does to the job, and the status it leads to. */
const CONTROLS: Record<
  'pauseTraining' | 'resumeTraining' | 'stopTraining',
  { what: string; from: Status[]; refusal: string; act: 'pause' | 'resume' | 'stop'; next: Status }
> = {
  pauseTraining: { what: 'Pausing', from: ['running'], refusal: 'Training is not running.', act: 'pause', next: 'paused' },
  resumeTraining: { what: 'Resuming', from: ['paused'], refusal: 'Training is not paused.', act: 'resume', next: 'running' },
  stopTraining: { what: 'Stopping', from: ['running', 'paused', 'stopping'], refusal: 'Training is not running.', act: 'stop', next: 'stopping' },
};

/**
 * Starts the training job without waiting for it; its course is reported
 * through events, and every epoch end is checkpointed into the autosave, so a
 * crash or a closed window loses at most one epoch.
 */
function runTraining(s: SessionState, epochs: number): void {
  const { vae, dataset } = s.requireModel();
  const config = { ...(s.training ?? DEFAULT_TRAIN), epochs };
  const modelId = s.modelId;
  let lastLatentEvent = 0;
  s.outcome = null;
  s.setStatus('running');
  const job = new TrainingJob(
    {
      vae,
      dataset,
      config,
      backend: s.backend,
      history: s.history,
      adamState: s.adam,
      out: s.autosave.dir,
      afterCheckpoint: async () => {
        s.autosaveError = null;
        await s.autosave.checkpointed(s.describeModel());
        s.autosaved = true;
        // The checkpoint rewrote the folder: the model's vectors go back in beside it, so a crash loses none of them.
        if (s.vectors.length > 0) await writeVectors(s.autosave.dir, s.vectors).catch(() => undefined);
      },
      onCheckpointError: (err) => {
        // The write error ends by telling the user to choose another place, which the app cannot offer here.
        const reason = (err instanceof Error ? err.message : String(err)).replace(/ Choose a place you can write to\.$/, '');
        s.autosaveError =
          `The autosave into ${s.autosave.dir} failed: ${reason} The model is only in memory until you save it; ` +
          'set LATENT_EXPLORER_DATA_DIR to a folder you can write to for the next start.';
        s.changed();
      },
    },
    (e) => {
      if (e.type === 'batch') {
        s.progress = e.progress;
        s.emit('progress', e.progress);
        const now = Date.now();
        if (now - lastLatentEvent >= LATENT_REFRESH_MS) {
          lastLatentEvent = now;
          s.emit('latentChanged', { epoch: e.progress.epoch, batch: e.progress.batch });
        }
      } else if (e.type === 'epoch') {
        s.history = [...s.history, e.record];
        if (s.modelId === modelId) s.unsaved = true;
        s.emit('epoch', e.record);
        lastLatentEvent = Date.now();
        s.emit('latentChanged', { epoch: e.record.epoch, batch: 0 });
        s.changed();
      }
    },
  );
  s.job = job;
  job.done.then(
    (result) => {
      s.history = result.history;
      s.adam = result.adamState;
      s.outcome = stopOutcome(result);
      s.setStatus(result.stopped ? 'stopped' : 'done');
    },
    (err: unknown) => {
      // A non-finite loss put the last good epoch's weights back; Adam's state goes back with them.
      if (err instanceof NonFiniteLoss) {
        s.adam = err.adamState;
        s.outcome = failureOutcome(s.history);
      }
      s.setStatus('failed', err instanceof Error ? err.message : String(err));
    },
  );
}

/** Start, continue, pause, resume and stop: the training requests. */
export function trainingHandlers(s: SessionState, serial: Serial): Handlers<TrainingMethods> {
  /** Pause, resume and stop: allowed in some states only, they act on the job and move the status on. */
  const control = (method: keyof typeof CONTROLS) => () =>
    serial(CONTROLS[method].what, async () => {
      const c = CONTROLS[method];
      if (!c.from.includes(s.status) || !s.job) throw new UserError('BAD_REQUEST', c.refusal);
      s.job[c.act]();
      s.setStatus(c.next);
      return s.snapshot();
    });
  return {
    startTraining: (input: Parameters<EngineApi['startTraining']>[0]) =>
      serial('Loading the data', async (signal): Promise<Session> => {
        s.requireIdle('start a new one');
        s.requireDiscardable(input.discard, 'train a new one');
        const dataset = await loadDataset(input.data, { signal });
        signal.throwIfAborted();
        const { height, width, channels } = dataset.train;
        const config: ModelConfig = { ...input.model, height, width, ...(channels === 1 ? {} : { channels }) };
        const vae = createModel(config, input.training.seed);
        await s.discardUnsaved();
        s.replaceModel(vae, dataset, null);
        s.training = input.training;
        runTraining(s, input.training.epochs);
        return s.snapshot();
      }),
    measureTraining: (input) =>
      serial('Measuring a training step', async () => {
        s.requireIdle('measure another model');
        const { height, width, channels } = input.image;
        return measureStep({ ...input.model, height, width, ...(channels === 1 ? {} : { channels }) }, input.batchSize);
      }),
    continueTraining: (input) =>
      serial('Continuing', async () => {
        s.requireIdle('continue');
        s.requireModel();
        s.training = { ...(s.training ?? DEFAULT_TRAIN), epochs: input.epochs };
        runTraining(s, input.epochs);
        return s.snapshot();
      }),
    pauseTraining: control('pauseTraining'),
    resumeTraining: control('resumeTraining'),
    stopTraining: control('stopTraining'),
  };
}

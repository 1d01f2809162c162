import type { EngineApi } from '../contract/index.js';
import { userDataDir } from '../util/user-data.js';
import { initBackend } from './backend.js';
import { Autosave } from './autosave.js';
import { SerialQueue } from './queue.js';
import { SessionState, type Emit } from './session-state.js';
import { modelHandlers } from './handlers/models.js';
import { queryHandlers } from './handlers/queries.js';
import { trainingHandlers } from './handlers/training.js';
import { viewHandlers } from './handlers/views.js';
import { keepsakeHandlers } from './handlers/keepsakes.js';
import type { Serial } from './handlers/types.js';

export type { Emit };

/** Past this, a state-changing request (loading data, opening, saving) is abandoned so the next can run. */
const STEP_TIMEOUT_MS = 120_000;

export interface EngineOptions {
  /** The per-user data folder (the autosave lives there). */
  dataDir?: string;
  /** Deadline of one state-changing request. */
  stepTimeoutMs?: number;
}

/** The engine, as the RPC server sees it: every request of the contract, and the current model's id. */
export type Engine = EngineApi & {
  init(): Promise<void>;
  currentModelId(): number;
};

/**
 * The engine behind every window: one session (SessionState) and the
 * handlers that answer the contract's requests. State-changing requests run
 * one at a time through a queue with a deadline; reads and decodes run at
 * once, between training batches, with the live weights.
 */
export function createEngine(emit: Emit, opts: EngineOptions = {}): Engine {
  const autosave = new Autosave(opts.dataDir ?? userDataDir());
  const state = new SessionState(emit, autosave);
  const queue = new SerialQueue(opts.stepTimeoutMs ?? STEP_TIMEOUT_MS);
  const serial: Serial = (what, job) =>
    queue.run(what, async (signal) => {
      const result = await job(signal);
      state.changed();
      return result;
    });
  return {
    ...queryHandlers(state),
    ...trainingHandlers(state, serial),
    ...modelHandlers(state, serial),
    ...viewHandlers(state),
    ...keepsakeHandlers(state, serial),
    async init() {
      state.backend = (await initBackend()).label;
      state.recovery = await autosave.pending();
    },
    currentModelId: () => state.modelId,
  };
}

import type { EngineApi, Method } from '../../contract/index.js';

/** Runs a state-changing request in the engine's queue (see SerialQueue). */
export type Serial = <T>(what: string, job: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** The engine's methods for some of the contract's requests. */
export type Handlers<M extends Method> = Pick<EngineApi, M>;

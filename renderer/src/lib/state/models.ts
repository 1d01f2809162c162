import type { Input } from '../../../../src/contract/index.js';
import type { Session } from '../../../../src/contract/schemas.js';
import type { PathPicker, PathRequest } from '../api.js';
import { refused, replaceQuestion } from '../refusals.js';
import { describeModel, fileStem } from '../../../../src/contract/describe.js';
import type { Calls } from './calls.js';
import type { ConfirmState } from './confirm.svelte.js';
import type { Notices, Place } from './notices.svelte.js';
import type { SessionMirror } from './session.svelte.js';

export interface ModelActionsDeps {
  calls: Calls;
  session: SessionMirror;
  notices: Notices;
  confirm: ConfirmState;
  /** Opens the desktop app's native file and folder dialogs; the browser mode has none. */
  dialogs: PathPicker | null;
  /** Shows a session the engine answered with. */
  show: (s: Session) => void;
}

/**
 * What the user does to the model: train, pause, resume, stop, continue,
 * open, save, and reopen or discard the autosave. Nothing the user had is
 * replaced without asking: the engine refuses, the app asks in its dialog,
 * and only a yes retries with `discard` or `replace`.
 */
export class ModelActions {
  readonly #d: ModelActionsDeps;

  constructor(deps: ModelActionsDeps) {
    this.#d = deps;
  }

  /** Where refusals are told: the notice line, and beside each control. */
  get notices(): Notices {
    return this.#d.notices;
  }

  /** Whether folders are chosen in native dialogs (the desktop app) rather than typed. */
  get hasDialogs(): boolean {
    return this.#d.dialogs !== null;
  }

  async start(input: Input<'startTraining'>): Promise<void> {
    const s = await this.#replacing((discard) => this.#d.calls.api.startTraining(discard ? { ...input, discard } : input), 'train');
    if (s) this.#d.show(s);
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const api = this.#d.calls.api;
    const call = { pause: api.pauseTraining, resume: api.resumeTraining, stop: api.stopTraining }[action];
    const s = await this.#d.calls.act(() => call({}), 'training');
    if (s) this.#d.show(s);
  }

  async continueTraining(epochs: number): Promise<void> {
    const s = await this.#d.calls.act(() => this.#d.calls.api.continueTraining({ epochs }), 'training');
    if (s) this.#d.show(s);
  }

  /** Imports networks trained elsewhere as the current model; unsaved training of the current one is asked about first. */
  async importModel(request: Input<'importModel'>): Promise<void> {
    const s = await this.#replacing((discard) => this.#d.calls.api.importModel(discard ? { ...request, discard } : request), 'import');
    if (!s) return;
    this.#d.show(s);
    this.#d.notices.tell('Imported the model. It is not saved yet: save it to keep it as a model folder.');
  }

  async openModel(dir: string): Promise<void> {
    const s = await this.#replacing((discard) => this.#d.calls.api.openModel(discard ? { dir, discard } : { dir }), 'models');
    if (!s) return;
    this.#d.show(s);
    this.#d.notices.tell(`Opened ${s.modelDir ?? dir}`);
  }

  /**
   * Saves to `dir`. A folder that holds a model is replaced only after the
   * user says so in the app's dialog; anything else the engine refuses is
   * told, and left as it was.
   */
  async saveModel(dir: string): Promise<void> {
    const { calls, confirm, notices, session } = this.#d;
    let s: Session | undefined;
    try {
      notices.clear();
      notices.dismiss('models');
      s = await calls.api.saveModel({ dir });
    } catch (err) {
      if (!refused(err, 'MODEL_EXISTS')) return calls.fail(err, 'models');
      const shown = session.generation;
      if (!(await confirm.ask('Replace a saved model?', replaceQuestion(err.message), 'Replace'))) return;
      if (this.#changedSince(shown)) return;
      s = await calls.act(() => calls.api.saveModel({ dir, replace: true }), 'models');
    }
    if (!s) return;
    this.#d.show(s);
    notices.tell(`Saved to ${s.modelDir}`);
  }

  /** "Reopen" on the recovery banner: the model a previous run left in the autosave. */
  async recoverAutosave(): Promise<void> {
    const s = await this.#replacing((discard) => this.#d.calls.api.recoverAutosave(discard ? { discard } : {}), 'models');
    if (!s) return;
    this.#d.show(s);
    this.#d.notices.tell('Reopened the model from your last session. It is not saved yet: save it to keep it.');
  }

  /** "Discard" on the recovery banner, once the user confirms. */
  async discardAutosave(): Promise<void> {
    const r = this.#d.session.recovery;
    if (!r) return;
    const ok = await this.#d.confirm.ask(
      'Discard the autosaved model?',
      `Discard the model from your last session (${r.description})? Its training will be lost.`,
      'Discard',
    );
    if (!ok) return;
    const s = await this.#d.calls.act(() => this.#d.calls.api.discardAutosave({}));
    if (!s) return;
    this.#d.show(s);
    this.#d.notices.tell('The model from your last session was discarded.');
  }

  /** "Open model…": a native folder dialog, then open what was chosen. */
  async openModelFromDialog(): Promise<void> {
    const dir = await this.choosePath({ purpose: 'open-model' });
    if (dir) await this.openModel(dir);
  }

  /** "Save model as…": a native save dialog suggesting a name, then save there. */
  async saveModelFromDialog(): Promise<void> {
    const { model: m, dataset } = this.#d.session;
    const name = m && dataset ? `${fileStem(dataset.name)}-latent-${m.latentDim}` : 'vae-model';
    const dir = await this.choosePath({ purpose: 'save-model', suggestedName: name });
    if (dir) await this.saveModel(dir);
  }

  /** A native file or folder dialog (desktop only); null when cancelled or failed (the failure is told). */
  async choosePath(request: PathRequest): Promise<string | null> {
    const dialogs = this.#d.dialogs;
    if (!dialogs) return null;
    return (await this.#d.calls.act(() => dialogs(request))) ?? null;
  }

  /**
   * Runs a call that would replace the current model; when the engine refuses
   * because that model (or the autosaved one) is unsaved, asks whether to
   * discard it and, only if so, runs it again with `discard`.
   */
  async #replacing(call: (discard: boolean) => Promise<Session>, place: Place): Promise<Session | undefined> {
    const { calls, confirm, notices, session } = this.#d;
    try {
      notices.clear();
      notices.dismiss(place);
      return await call(false);
    } catch (err) {
      if (!refused(err, 'UNSAVED')) {
        calls.fail(err, place);
        return undefined;
      }
      const shown = session.generation;
      if (!(await confirm.ask('Unsaved training', this.#discardQuestion(err.message), 'Discard'))) return undefined;
      if (this.#changedSince(shown)) return undefined;
      return calls.act(() => call(true), place);
    }
  }

  /**
   * Whether the model changed while the user was answering: the answer was
   * about the old one, so it must not act on the new (say so instead).
   */
  #changedSince(generation: number): boolean {
    if (generation === this.#d.session.generation) return false;
    this.#d.notices.tell('The model changed in another window while you were asked; nothing was done. This window now shows the new one.');
    return true;
  }

  #discardQuestion(refusal: string): string {
    const { model: m, dataset, unsaved, recovery, history } = this.#d.session;
    if (unsaved && m && dataset) {
      return `Discard the unsaved model (${describeModel(dataset.name, m, history.length)})? Its training will be lost.`;
    }
    if (recovery) return `Discard the model from your last session (${recovery.description})? Its training will be lost.`;
    return `${refusal} Discard it? Its training will be lost.`;
  }
}

import type { Client } from '../../../../src/rpc/client.js';
import type { Session } from '../../../../src/contract/schemas.js';
import type { LinkStatus } from '../../../../src/rpc/reconnecting-endpoint.js';
import type { Link, ModelTag, PathPicker } from '../api.js';
import { Calls } from './calls.js';
import { ConfirmState } from './confirm.svelte.js';
import { ConnectionState } from './connection.svelte.js';
import { ExploreState } from './explore.svelte.js';
import { ExportsState } from './exports.svelte.js';
import { GroupState } from './group.svelte.js';
import { CameraLink, ScatterStyle } from './style.svelte.js';
import { LatentState } from './latent.svelte.js';
import { PriorLayer } from './prior.svelte.js';
import { DecodedPoints } from './decoded.svelte.js';
import { ModelActions } from './models.js';
import { Notices } from './notices.svelte.js';
import { SelectionState } from './selection.svelte.js';
import { SessionMirror } from './session.svelte.js';
import { StartState } from './start.svelte.js';
import { StripState } from './strip.svelte.js';
import { TrainingForm } from './training-form.svelte.js';
import { VectorsState } from './vectors.svelte.js';
import { BookmarksState } from './bookmarks.svelte.js';

export interface AppOptions {
  /** Opens the desktop app's native file and folder dialogs; the browser mode has none. */
  dialogs?: PathPicker | null;
  /** The browser mode's WebSocket, which reconnects by itself. */
  link?: Link | null;
  /** What model-bound requests are tagged with; kept equal to the model shown. */
  modelTag?: ModelTag;
}

/**
 * The UI's state, one small class per concern, and what ties them together:
 * the engine's events and sessions go to the session mirror, and a new model
 * resets what belonged to the old one (selection, explore view, points,
 * strip) and hands its settings to the form. `dispose()` releases every
 * subscription.
 */
export class AppState {
  readonly session = new SessionMirror();
  readonly notices = new Notices();
  readonly connection = new ConnectionState();
  /** The app's own yes/no questions (replace a saved model, discard unsaved training). */
  readonly confirm = new ConfirmState();
  readonly form = new TrainingForm();
  readonly latent: LatentState;
  /** The prior's samples, drawn beside the encoded points when asked. */
  readonly prior: PriorLayer;
  /** Decoded points drawn in the scatter (sampled z, a point moved along a vector). */
  readonly decoded: DecodedPoints;
  readonly strip: StripState;
  readonly selection: SelectionState;
  /** The images chosen with the box, the lasso, a label or a search. */
  readonly group = new GroupState();
  /** How the scatter draws its points, and its camera (for bookmarks). */
  readonly style = new ScatterStyle();
  readonly camera = new CameraLink();
  readonly explore: ExploreState;
  readonly exports: ExportsState;
  readonly models: ModelActions;
  /** The first screen: presets, their measured times, one click to train. */
  readonly start: StartState;
  /** The model's attribute vectors, and the views bookmarked beside its folder. */
  readonly vectors: VectorsState;
  readonly bookmarks: BookmarksState;
  readonly #api: Client;
  /** Engine calls as the panels make them (errors become sentences). */
  readonly calls: Calls;
  readonly #link: Link | null;
  readonly #modelTag: ModelTag;
  readonly #release: (() => void)[] = [];
  #disposed = false;

  constructor(api: Client, opts: AppOptions = {}) {
    this.#api = api;
    this.#link = opts.link ?? null;
    this.#modelTag = opts.modelTag ?? { current: null };
    this.calls = new Calls(api, this.notices, () => void this.#catchUp());
    this.latent = new LatentState(this.calls, this.session);
    this.prior = new PriorLayer(this.calls, this.latent);
    this.strip = new StripState(this.calls, this.session);
    this.selection = new SelectionState(this.calls, this.session);
    this.explore = new ExploreState(this.calls, this.session, () => this.latent.view);
    this.exports = new ExportsState(this.calls, () => this.latent.view);
    this.models = new ModelActions({
      calls: this.calls,
      session: this.session,
      notices: this.notices,
      confirm: this.confirm,
      dialogs: opts.dialogs ?? null,
      show: (s) => void this.#apply(s),
    });
    this.start = new StartState(this.calls, this.session, this.form, this.models);
    const keep = { calls: this.calls, session: this.session, latent: this.latent, selection: this.selection, group: this.group };
    this.vectors = new VectorsState(keep);
    this.bookmarks = new BookmarksState({ ...keep, style: this.style, camera: this.camera, confirm: this.confirm, vectors: this.vectors });
    this.decoded = new DecodedPoints(this.latent, this.selection, this.vectors);
  }

  /** Subscribes to the engine and shows its session. */
  async init(): Promise<void> {
    const api = this.#api;
    api.onUnmatchedError((e) => this.notices.tell(`The engine could not read a request: ${e.message}`, 'error'));
    this.#release.push(
      () => api.onUnmatchedError(() => undefined),
      api.on('session', (s) => this.#apply(s)),
      api.on('progress', (p) => this.session.setProgress(p)),
      api.on('epoch', () => void this.strip.refresh()),
      api.on('latentChanged', () => void this.latent.refresh('changed')),
      api.on('projecting', (p) => this.latent.setProgress(p)),
    );
    if (this.#link) this.#release.push(this.#link.onStatus((s) => this.#linkChanged(s)));
    this.#apply(await api.getSession({}));
    const datasets = await api.listDatasets({});
    if (this.#disposed) return;
    this.form.setDatasets(datasets);
    this.connection.opened();
  }

  /** Releases every subscription; the engine's events change nothing afterwards. */
  dispose(): void {
    this.#disposed = true;
    this.#release.splice(0).forEach((off) => off());
  }

  async #refreshAll(): Promise<void> {
    await Promise.all([this.latent.refresh(), this.strip.refresh()]);
  }

  /** Takes a session from the engine; returns whether it showed another model. */
  #apply(s: Session): boolean {
    if (this.#disposed) return false;
    const change = this.session.apply(s);
    if (change === 'stale') return false;
    this.#modelTag.current = s.modelId;
    if (change === 'new') this.#showNewModel(s);
    else if (change === 'finished') void this.#refreshAll();
    return change === 'new';
  }

  /** Another model: what belonged to the old one goes, and the form takes over the new one's settings. */
  #showNewModel(s: Session): void {
    this.latent.clear(s.model?.latentDim);
    this.prior.clear();
    this.strip.clear();
    this.explore.clear();
    this.selection.clear();
    this.group.clear();
    void this.vectors.refresh();
    void this.bookmarks.refresh();
    if (!s.model || !s.dataset) return;
    this.form.takeOver({ model: s.model, training: s.training, data: s.dataset.spec });
    // A model being trained draws itself as its latent space changes; one that is not needs asking.
    if (!this.session.busy) void this.#refreshAll();
  }

  /** Asks the engine how things stand and draws that (after a refusal). */
  async #catchUp(): Promise<void> {
    const s = await this.#api.getSession({}).catch(() => undefined);
    if (s) this.#apply(s);
  }

  #linkChanged(s: LinkStatus): void {
    if (s.state === 'lost') {
      this.connection.lost(s.failures);
      // Until this window has caught up, no model-bound request may act on whatever model the engine now holds.
      this.#modelTag.current = -1;
      return;
    }
    void this.#reconnected();
  }

  async #reconnected(): Promise<void> {
    const before = this.session.engineId;
    const s = await this.#api.getSession({}).catch(() => undefined);
    if (!s || this.#disposed) return; // lost again: the link says so, and tries on
    const newModel = this.#apply(s);
    const sameEngine = s.engineId === before;
    const message = this.connection.restored(sameEngine, s.recovery !== null);
    if (sameEngine) {
      // Events sent while the socket was down are lost: draw the model afresh.
      if (!newModel && s.model) void this.#refreshAll();
    } else {
      const datasets = await this.#api.listDatasets({}).catch(() => undefined);
      if (datasets && !this.#disposed) this.form.setDatasets(datasets);
    }
    this.notices.tell(message);
  }
}

import type { Output } from '../../../../src/contract/index.js';
import type { Calls } from './calls.js';
import type { GroupMode, GroupState } from './group.svelte.js';
import type { LatentState } from './latent.svelte.js';
import type { SelectionState } from './selection.svelte.js';
import type { SessionMirror } from './session.svelte.js';
import {
  countByLabel,
  fetchImages,
  fmt,
  GRID_IMAGES,
  labelNames,
  meanLatent,
  parseQuery,
  resolveQuery,
  shownNumbers,
  withLabel,
  type Images,
  type Resolved,
  type ShownPoints,
} from './group-query.js';

export interface GroupViewDeps {
  calls: Calls;
  group: GroupState;
  latent: LatentState;
  session: SessionMirror;
  selection: SelectionState;
}

/**
 * The selection panel's state: selecting by label and by search, and what
 * the panel shows of the selection (counts per label, its first images, its
 * mean decoded). Only images the scatter shows count: the selection keeps
 * the others, so showing their set again brings them back. What the engine
 * refuses here is shown beside the panel (the place 'selection').
 */
export class GroupView {
  #query = $state('');
  /** Why the last search picked nothing, until the search is edited. */
  #queryError = $state<string | null>(null);
  #mode = $state<GroupMode>('replace');
  #images = $state.raw<{ numbers: number[]; images: Images } | null>(null);
  #mean = $state.raw<{ count: number; image: Images } | null>(null);
  #imagesKey = '';
  #imagesToken = 0;
  #meanToken = 0;
  readonly #calls: Calls;
  readonly #group: GroupState;
  readonly #latent: LatentState;
  readonly #session: SessionMirror;
  readonly #selection: SelectionState;

  constructor(deps: GroupViewDeps) {
    this.#calls = deps.calls;
    this.#group = deps.group;
    this.#latent = deps.latent;
    this.#session = deps.session;
    this.#selection = deps.selection;
  }

  get group(): GroupState {
    return this.#group;
  }
  get query(): string {
    return this.#query;
  }
  get queryError(): string | null {
    return this.#queryError;
  }
  /** How a click on a label or a search combines with the selection when no modifier key is held. */
  get mode(): GroupMode {
    return this.#mode;
  }
  /** The selection's first images (up to GRID_IMAGES) and the numbers they are. */
  get images(): { numbers: number[]; images: Images } | null {
    return this.#images;
  }
  /** The mean of the selection's latent means, decoded, and how many images it averaged. */
  get mean(): { count: number; image: Images } | null {
    return this.#mean;
  }

  readonly points = $derived.by((): ShownPoints | null => this.#latent.points);
  /** The selected images the scatter shows, ascending: what the panel counts, draws and exports. */
  readonly shown = $derived.by(() => shownNumbers(this.#group.indices, this.points));
  readonly names = $derived.by(() => labelNames(this.points, this.#session.classNames));
  readonly perLabel = $derived.by(() => (this.points ? countByLabel(this.shown, this.points) : []));
  /** The labels a person can select by, with how many shown images carry each. */
  readonly choices = $derived.by(() => {
    const p = this.points;
    if (!p?.labels) return [];
    const counts = new Map<number, number>();
    for (const l of p.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([label, count]) => ({ label, count, name: this.#session.labelName(label) }));
  });
  /** What the search as typed would do, worked out as it is typed (cheap: one pass over the shown points). */
  readonly preview = $derived.by((): Resolved | { empty: true } => {
    const parsed = parseQuery(this.#query);
    if ('empty' in parsed || 'error' in parsed) return parsed;
    if (!this.points) return { error: 'Points show once the model has encoded them.' };
    return resolveQuery(parsed.query, this.points, this.names, this.#query, this.#session.dataset?.files ?? false);
  });

  setQuery(text: string): void {
    this.#query = text;
    this.#queryError = null;
  }

  setMode(mode: GroupMode): void {
    this.#mode = mode;
  }

  /** The mode a click means: Shift adds and Alt takes away, whatever the mode chosen. */
  modeFor(e?: { shiftKey?: boolean; altKey?: boolean }): GroupMode {
    return e?.shiftKey ? 'add' : e?.altKey ? 'remove' : this.#mode;
  }

  /** Selects every shown image with this label. */
  selectLabel(label: number, mode: GroupMode = this.#mode): void {
    const p = this.points;
    if (!p) return;
    this.#group.choose(withLabel(p, label), `label ${this.#session.labelName(label)}`, mode);
  }

  /** Selects what the search picks; false, with the reason under the field, when it picks nothing. */
  search(mode: GroupMode = this.#mode): boolean {
    const r = this.preview;
    if ('empty' in r) {
      this.#queryError = 'Type an image number (123), a range (100-199), a label name or label:3.';
      return false;
    }
    if ('error' in r) {
      this.#queryError = r.error;
      return false;
    }
    this.#queryError = null;
    if ('file' in r) {
      void this.#findFiles(r.file, r.how, mode);
      return true;
    }
    this.#group.choose(r.numbers, r.how, mode);
    return true;
  }

  /** File names live in the engine: it finds the shown images whose name holds the text. */
  async #findFiles(text: string, how: string, mode: GroupMode): Promise<void> {
    const p = this.points;
    if (!p) return;
    const found = await this.#calls.act(() => this.#calls.api.findImages({ contains: text, among: p.set }), 'selection');
    if (!found || this.points !== p) return;
    if (found.numbers.length === 0) {
      this.#queryError = `No shown image's file name holds “${text.length > 40 ? `${text.slice(0, 39)}…` : text}”; ${fmt(found.searched)} were searched.`;
      return;
    }
    this.#group.choose(found.numbers, `${how}: ${fmt(found.numbers.length)} files`, mode);
  }

  clear(): void {
    this.#group.clear();
  }

  /** Picks an image of the selection, as a click on its point would. */
  pick(n: number): Promise<void> {
    return this.#selection.selectPoint(n);
  }

  /**
   * Fetches what the panel draws for the selection as it now stands: its
   * first images (only when they changed) and its mean decoded (again
   * whenever the points move, as they do while a model trains). An answer
   * overtaken by a newer selection, or meant for a replaced model, is dropped.
   */
  async load(): Promise<void> {
    await Promise.all([this.#loadImages(), this.#loadMean()]);
  }

  async #loadImages(): Promise<void> {
    const numbers = this.shown.slice(0, GRID_IMAGES);
    const key = `${this.#session.generation}:${numbers.join(',')}`;
    if (key === this.#imagesKey) return;
    this.#imagesKey = key;
    const token = ++this.#imagesToken;
    if (numbers.length === 0) {
      this.#images = null;
      return;
    }
    const images = await this.#calls.background(() => fetchImages(this.#calls.api, numbers), 'selection');
    if (token !== this.#imagesToken) return;
    // A failed fetch is tried again with the next change rather than never.
    if (!images) this.#imagesKey = '';
    this.#images = images ? { numbers, images } : null;
  }

  async #loadMean(): Promise<void> {
    const p = this.points;
    const numbers = this.shown;
    const token = ++this.#meanToken;
    const z = p ? meanLatent(numbers, p) : null;
    if (!z) {
      this.#mean = null;
      return;
    }
    const shownModel = this.#session.generation;
    const image = await this.#calls.background(() => this.#calls.api.decode({ z }), 'selection');
    if (token !== this.#meanToken || shownModel !== this.#session.generation) return;
    this.#mean = image ? { count: numbers.length, image } : null;
  }

  /** The engine's CSV of the shown images of the selection, to be saved under its filename. */
  exportCsv(): Promise<Output<'exportCsv'> | undefined> {
    const indices = this.shown;
    return this.#calls.act(() => this.#calls.api.exportCsv({ what: 'selection', indices, view: this.#latent.view }), 'selection');
  }
}

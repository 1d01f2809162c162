import { tick } from 'svelte';
import type { Output } from '../../../../src/contract/index.js';
import { problem } from '../../../../src/contract/fields.js';
import { BookmarkSchema, type Bookmark } from '../../../../src/contract/shapes.js';
import { refused } from '../refusals.js';
import type { Calls } from './calls.js';
import type { ConfirmState } from './confirm.svelte.js';
import type { GroupState } from './group.svelte.js';
import type { LatentState } from './latent.svelte.js';
import type { ScenePoint, SelectionState } from './selection.svelte.js';
import type { SessionMirror } from './session.svelte.js';
import type { CameraLink, ScatterStyle } from './style.svelte.js';
import type { VectorsState } from './vectors.svelte.js';

export type BookmarkEntry = Output<'listBookmarks'>[number];

/** What a bookmark's name must be, as the engine checks it: a sentence, or null when it will do. */
export function bookmarkNameProblem(name: string): string | null {
  return problem(BookmarkSchema.shape.name, name);
}

export interface BookmarksDeps {
  calls: Calls;
  session: SessionMirror;
  latent: LatentState;
  selection: SelectionState;
  group: GroupState;
  style: ScatterStyle;
  camera: CameraLink;
  confirm: ConfirmState;
  vectors: VectorsState;
}

/** Frames waited for the points of a restored view before its camera is set anyway (about 30 s at 50 ms). */
const POINTS_WAIT_STEPS = 600;

/**
 * Saved views of the latent space, kept as files beside the model in its
 * folder: what the scatter shows and from where, the selection, the picked
 * point or marker, hidden classes and the points' style. Opening one puts
 * all of it back. A bookmark is replaced or deleted only after the user says
 * so in the app's dialog. What the engine refuses here is shown beside the
 * panel (the place 'bookmarks').
 */
export class BookmarksState {
  #list = $state.raw<BookmarkEntry[]>([]);
  #note = $state<string | null>(null);
  /** Which model and folder the list was read for: a save to another folder lists again. */
  #listedFor = '';
  readonly #d: BookmarksDeps;

  constructor(deps: BookmarksDeps) {
    this.#d = deps;
  }

  get list(): readonly BookmarkEntry[] {
    return this.#list;
  }
  /** What the last open did, when that needs saying (vectors it names that are gone). */
  get note(): string | null {
    return this.#note;
  }
  /** Bookmarks need the model saved in a folder. */
  get hasFolder(): boolean {
    return this.#d.session.modelDir !== null;
  }

  /** Lists the bookmarks beside the model shown (none without a folder). */
  async refresh(): Promise<void> {
    const { session, calls } = this.#d;
    const shown = session.generation;
    const dir = session.modelDir;
    this.#listedFor = `${shown}:${dir ?? ''}`;
    if (!session.model || !dir) {
      this.#list = [];
      return;
    }
    const list = await calls.background(() => calls.api.listBookmarks({}), 'bookmarks');
    if (list && shown === session.generation && dir === session.modelDir) this.#list = list;
  }

  /** Lists again when the model or its folder changed since the list was read (a save to a new folder). */
  follow(): void {
    const { session } = this.#d;
    if (this.#listedFor !== `${session.generation}:${session.modelDir ?? ''}`) void this.refresh();
  }

  /** The view as it stands, as a bookmark called `name`. */
  capture(name: string): Bookmark {
    const { latent, selection, group, style, camera, vectors } = this.#d;
    const d = selection.detail;
    return {
      version: 1,
      name,
      savedAt: new Date().toISOString(),
      set: latent.set,
      projection: latent.spec,
      camera: camera.get(),
      selection: group.size > 0 ? { indices: [...group.indices], how: group.how.slice(0, 200) } : null,
      picked: selection.selected,
      marker: selection.selected === null && d?.kind === 'space' ? { z: Array.from(d.z) } : null,
      vectors: vectors.list.map((v) => v.name),
      hidden: [...latent.hidden],
      style: { size: style.size, opacity: style.opacity, uncertainty: style.uncertainty },
    };
  }

  /** Saves the view as `name`; one of that name is replaced only after the user says so. */
  async save(name: string): Promise<boolean> {
    const { calls, confirm, session } = this.#d;
    const trimmed = name.trim();
    const wrong = bookmarkNameProblem(trimmed);
    if (wrong) {
      // The panel keeps its button off for such a name; asked anyway, the reason stands where a refusal would.
      calls.notices.tellAt('bookmarks', wrong);
      return false;
    }
    this.#note = null;
    const bookmark = this.capture(trimmed);
    const shown = session.generation;
    // One of that name already kept is not a refusal to show: the user is asked whether to replace it.
    const saved = await calls.act(async () => {
      try {
        return await calls.api.saveBookmark({ bookmark });
      } catch (err) {
        if (refused(err, 'MODEL_EXISTS')) return 'exists' as const;
        throw err;
      }
    }, 'bookmarks');
    if (!saved) return false;
    if (saved !== 'exists') {
      this.#list = saved;
      return true;
    }
    const ok = await confirm.ask(
      'Replace the bookmark?',
      `A bookmark named “${trimmed}” is kept beside this model already. Replace it with this view?`,
      'Replace',
    );
    if (!ok || shown !== session.generation) return false;
    const list = await calls.background(() => calls.api.saveBookmark({ bookmark, replace: true }), 'bookmarks');
    if (!list) return false;
    this.#list = list;
    return true;
  }

  /** Puts a saved view back: points and projection, then camera, selection, hidden classes, style, and the picked point or marker. */
  async open(name: string): Promise<boolean> {
    const { calls, session, latent, selection, group, style, camera, vectors } = this.#d;
    this.#note = null;
    const shown = session.generation;
    const b = await calls.act(() => calls.api.openBookmark({ name }), 'bookmarks');
    if (!b || shown !== session.generation) return false;
    const before = latent.points;
    await latent.choose(b.set, b.projection);
    // A refresh already under way answers first: the view's own points are the ones after it.
    for (let i = 0; i < POINTS_WAIT_STEPS && latent.points === before && shown === session.generation; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (shown !== session.generation) return false;
    // The scatter takes the new points on its next update; the pose is set after, so a refit does not undo it.
    await tick();
    await new Promise((r) => requestAnimationFrame(r));
    if (b.camera) camera.set(b.camera);
    if (b.selection) group.choose(b.selection.indices, b.selection.how);
    else group.clear();
    latent.setHidden(b.hidden);
    if (b.style) style.restore(b.style);
    if (b.picked !== null) void selection.selectPoint(b.picked);
    else if (b.marker) {
      const z = Float32Array.from(b.marker.z);
      const scene: ScenePoint = (await latent.place(z, 'bookmarks')) ?? [0, 0, 0];
      if (shown === session.generation) void selection.decodeAt(z, false, scene);
    } else selection.clear();
    const kept = new Set(vectors.list.map((v) => v.name));
    const gone = b.vectors.filter((n) => !kept.has(n));
    if (gone.length > 0) {
      this.#note = `This view was saved with vector${gone.length === 1 ? '' : 's'} no longer kept: ${gone.map((n) => `“${n}”`).join(', ')}.`;
    }
    return true;
  }

  /** Deletes a bookmark once the user confirms. */
  async remove(name: string): Promise<void> {
    const { calls, confirm, session } = this.#d;
    calls.notices.dismiss('bookmarks');
    const shown = session.generation;
    const ok = await confirm.ask('Delete the bookmark?', `Delete the bookmark “${name}”? Its file in the model folder is removed.`, 'Delete');
    if (!ok || shown !== session.generation) return;
    const list = await calls.act(() => calls.api.deleteBookmark({ name }), 'bookmarks');
    if (list) this.#list = list;
  }
}

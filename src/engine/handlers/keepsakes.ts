import type { Output } from '../../contract/index.js';
import { LIMITS } from '../../contract/limits.js';
import type { Bookmark } from '../../contract/shapes.js';
import { UserError } from '../../contract/errors.js';
import { checkVectors, deleteBookmark, listBookmarks, readBookmark, writeBookmark, writeVectors } from '../../model/keepsakes.js';
import type { SessionState } from '../session-state.js';
import type { Handlers, Serial } from './types.js';

type KeepsakeMethods = 'listVectors' | 'saveVector' | 'deleteVector' | 'listBookmarks' | 'saveBookmark' | 'openBookmark' | 'deleteBookmark';

/** A bookmark refers to the weights in the model's folder: without one there is nowhere to keep it. */
function requireFolder(s: SessionState): string {
  s.requireModel();
  if (!s.modelDir) throw new UserError('BAD_REQUEST', 'Save the model first: a bookmark is kept beside it, in its folder.');
  return s.modelDir;
}

/** Whether a bookmark fits the current model: its image numbers exist and its marker has the model's latent size. */
function checkBookmark(s: SessionState, b: Bookmark, where: string): void {
  const { vae, dataset } = s.requireModel();
  const images = dataset.test.count + dataset.train.count;
  const dim = vae.config.latentDim;
  if (b.marker && b.marker.z.length !== dim) {
    throw new UserError('BAD_SHAPE', `${where} marks a latent point of ${b.marker.z.length} dims, but the model has ${dim}.`);
  }
  const beyond = [...(b.selection?.indices ?? []), ...(b.picked === null ? [] : [b.picked])].find((i) => i >= images);
  if (beyond !== undefined) {
    throw new UserError('BAD_SHAPE', `${where} refers to image ${beyond}, but the model's data has ${images} images (test and training).`);
  }
}

/**
 * Attribute vectors and bookmarks: what a person keeps with a model. Vectors
 * live with the model (in memory, and in its folder's vectors.json, written
 * at once when the folder holds the model as it is, else with the next
 * save); bookmarks are files beside the model, in its folder.
 */
export function keepsakeHandlers(s: SessionState, serial: Serial): Handlers<KeepsakeMethods> {
  /** Keeps `next` as the model's vectors, writing them first when the folder is up to date, so a failed write changes nothing. */
  const keepVectors = async (next: Output<'listVectors'>): Promise<Output<'listVectors'>> => {
    if (s.modelDir && !s.unsaved) await writeVectors(s.modelDir, next);
    // Unsaved training lives in the autosave: its vectors are kept there too (best effort: the autosave only guards against a crash).
    else if (s.unsaved && s.autosaved) await writeVectors(s.autosave.dir, next).catch(() => undefined);
    s.vectors = next;
    return next;
  };

  return {
    listVectors: async () => {
      s.requireModel();
      return s.vectors;
    },
    saveVector: (input) =>
      serial('Saving the vector', async () => {
        const { vae } = s.requireModel();
        const dim = vae.config.latentDim;
        if (input.vector.length !== dim) {
          throw new UserError('BAD_SHAPE', `The vector "${input.name}" has ${input.vector.length} values, but the model has ${dim} latent dims.`);
        }
        const at = s.vectors.findIndex((v) => v.name === input.name);
        if (at < 0 && s.vectors.length >= LIMITS.vectors) {
          throw new UserError('TOO_LARGE', `A model keeps at most ${LIMITS.vectors} vectors; delete one before saving "${input.name}".`);
        }
        const next = at < 0 ? [...s.vectors, input] : s.vectors.map((v, i) => (i === at ? input : v));
        const wrong = checkVectors(next, dim);
        if (wrong) throw new UserError('BAD_SHAPE', wrong);
        return keepVectors(next);
      }),
    deleteVector: (input) =>
      serial('Deleting the vector', async () => {
        s.requireModel();
        if (!s.vectors.some((v) => v.name === input.name)) throw new UserError('NOT_FOUND', `There is no vector named "${input.name}".`);
        return keepVectors(s.vectors.filter((v) => v.name !== input.name));
      }),
    listBookmarks: async () => {
      s.requireModel();
      // Without a folder there are none to list; the app says why beside the list.
      return s.modelDir ? listBookmarks(s.modelDir) : [];
    },
    saveBookmark: (input) =>
      serial('Saving the bookmark', async () => {
        const dir = requireFolder(s);
        const bookmark: Bookmark = { ...input.bookmark, savedAt: new Date().toISOString() };
        checkBookmark(s, bookmark, `The bookmark "${bookmark.name}"`);
        await writeBookmark(dir, bookmark, input.replace ?? false);
        return listBookmarks(dir);
      }),
    openBookmark: async (input) => {
      const dir = requireFolder(s);
      const bookmark = await readBookmark(dir, input.name);
      checkBookmark(s, bookmark, `The bookmark "${bookmark.name}"`);
      return bookmark;
    },
    deleteBookmark: (input) =>
      serial('Deleting the bookmark', async () => {
        const dir = requireFolder(s);
        await deleteBookmark(dir, input.name);
        return listBookmarks(dir);
      }),
  };
}

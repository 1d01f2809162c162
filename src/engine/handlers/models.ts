import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Session } from '../../contract/schemas.js';
import { DEFAULT_TRAIN } from '../../contract/defaults.js';
import type { Dataset } from '../../data/dataset.js';
import { loadDataset } from '../../data/load.js';
import { loadModel, saveModel } from '../../model/folder.js';
import { carryBookmarks, readVectors, vectorsJson, VECTORS_FILE } from '../../model/keepsakes.js';
import { importModel } from '../../model/import.js';
import { importedElbo } from '../../latent/evaluate.js';
import { manifestFor } from '../../train/trainer.js';
import { UserError } from '../../contract/errors.js';
import type { SessionState } from '../session-state.js';
import type { Handlers, Serial } from './types.js';

/**
 * A folder path from a window must be absolute: a relative one would land
 * wherever the engine happened to start, which the user cannot see.
 */
function fullPath(dir: string): string {
  if (!path.isAbsolute(dir)) {
    throw new UserError('BAD_REQUEST', `"${dir}" is a relative path; give the folder's full path, from the root of the disk.`);
  }
  return dir;
}

/** Opens a model folder and its data; `recovered` marks the autosave, which stays unsaved until saved. */
async function open(s: SessionState, dir: string, signal: AbortSignal, recovered: boolean): Promise<Session> {
  const saved = await loadModel(dir);
  let dataset: Dataset;
  try {
    dataset = await loadDataset(saved.manifest.dataset.spec, { signal });
    signal.throwIfAborted();
  } catch (err) {
    saved.vae.dispose();
    throw err;
  }
  // Vectors that cannot be read cost the model nothing: it opens without them, and the sentence says why.
  const kept = await readVectors(dir, saved.manifest.config.latentDim);
  if (!recovered) await s.discardUnsaved();
  s.replaceModel(saved.vae, dataset, recovered ? null : path.resolve(dir));
  s.history = saved.manifest.history;
  s.training = saved.manifest.training;
  s.adam = saved.adamState;
  s.vectors = kept.vectors;
  s.outcome = kept.problem;
  s.unsaved = recovered;
  s.autosaved = recovered;
  if (recovered) s.recovery = null;
  s.setStatus(s.history.length > 0 ? 'done' : 'idle');
  return s.snapshot();
}

/** Open, save, and the autosave a previous run left: the model-folder requests. */
export function modelHandlers(s: SessionState, serial: Serial): Handlers<'openModel' | 'importModel' | 'saveModel' | 'recoverAutosave' | 'discardAutosave'> {
  return {
    importModel: (input) =>
      serial('Importing the model', async (signal) => {
        const encoder = fullPath(input.encoder);
        const decoder = fullPath(input.decoder);
        s.requireIdle('import a model');
        s.requireDiscardable(input.discard, 'import another');
        const dataset = await loadDataset(input.data, { signal });
        signal.throwIfAborted();
        const { vae } = await importModel({ ...input, encoder, decoder }, dataset);
        try {
          await importedElbo(vae, dataset.test, "check the decoder's output kind and the likelihood");
          signal.throwIfAborted();
        } catch (err) {
          vae.dispose();
          throw err;
        }
        await s.discardUnsaved();
        s.replaceModel(vae, dataset, null);
        s.history = [];
        s.training = null;
        s.adam = null;
        // Nowhere on disk yet in Latent Explorer's format: unsaved until saved.
        s.unsaved = true;
        s.setStatus('idle');
        return s.snapshot();
      }),
    openModel: (input) =>
      serial('Opening the model', (signal) => {
        const dir = fullPath(input.dir);
        s.requireIdle('open a model');
        s.requireDiscardable(input.discard, 'open another');
        return open(s, dir, signal, false);
      }),
    saveModel: (input) =>
      serial('Saving the model', async () => {
        s.requireIdle('save');
        const { vae, dataset } = s.requireModel();
        const manifest = manifestFor(vae, dataset, s.training ?? DEFAULT_TRAIN, s.history);
        const vectors = s.vectors;
        s.modelDir = await saveModel(fullPath(input.dir), vae, manifest, s.adam, {
          replace: input.replace ?? false,
          // The vectors go in with the model, and the bookmarks of a folder saved over stay beside it.
          extra: async (into, target) => {
            if (vectors.length > 0) await writeFile(path.join(into, VECTORS_FILE), vectorsJson(vectors));
            await carryBookmarks(target, into);
          },
        });
        if (s.unsaved) await s.autosave.settle().catch(() => undefined);
        s.unsaved = false;
        return s.snapshot();
      }),
    recoverAutosave: (input) =>
      serial('Reopening the autosaved model', async (signal) => {
        if (!s.recovery) throw new UserError('NOT_FOUND', 'There is no autosaved model to reopen.');
        s.requireIdle('open a model');
        // The recovery itself is what is being reopened: only unsaved training of the current model needs a say.
        if (s.unsaved) s.requireDiscardable(input.discard, 'reopen the autosaved one');
        return open(s, s.recovery.dir, signal, true);
      }),
    discardAutosave: () =>
      serial('Discarding the autosave', async () => {
        s.recovery = null;
        if (!s.unsaved) await s.autosave.settle();
        return s.snapshot();
      }),
  };
}

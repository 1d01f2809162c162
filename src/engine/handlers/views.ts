import { fileStem } from '../../contract/describe.js';
import { UserError } from '../../contract/errors.js';
import { filesOf, imagesAt, splitsOf } from '../../data/numbering.js';
import { encodedToCsv, historyToCsv } from '../../io/csv.js';
import { encodeSet } from '../../latent/ops.js';
import { exploreView } from '../../latent/views.js';
import { placePoints } from '../place.js';
import type { SessionState } from '../session-state.js';
import type { Handlers } from './types.js';

/** The explore views and the CSV exports: what the user takes away from a model. */
export function viewHandlers(s: SessionState): Handlers<'explore' | 'exportCsv'> {
  return {
    explore: async (input) => {
      const { vae, dataset } = s.requireModel();
      const v = await exploreView(vae, dataset.test, input, (i) => imagesAt(dataset, [i]));
      // A path is drawn in the scatter, placed as the scatter placed the points.
      const placed = s.placedFor(input.view);
      const positions = v.path && placed ? await placed.project(v.z, v.z.length / vae.config.latentDim) : null;
      return { images: v.images, cols: v.cols, z: v.z, positions, rowLabels: v.rowLabels, colLabels: v.colLabels };
    },
    exportCsv: async (input) => {
      const { vae, dataset } = s.requireModel();
      // Named after what they come from, so two models' files do not overwrite each other: mnist-latent3-10ep-history.csv.
      const stem = `${fileStem(dataset.name)}-latent${vae.config.latentDim}-${s.history.length}ep`;
      if (input.what === 'history') return { filename: `${stem}-history.csv`, text: historyToCsv(s.history) };
      if (input.what === 'selection') {
        const numbers = [...new Set(input.indices ?? [])].sort((a, b) => a - b);
        if (numbers.length === 0) throw new UserError('BAD_REQUEST', 'The selection is empty: select some points to export them.');
        const picked = imagesAt(dataset, numbers);
        const enc = await encodeSet(vae, picked, 1000);
        // Scatter positions where the scatter shows these images; a row it does not show has none.
        const placed = s.placedFor(input.view);
        const positions = placed ? await placed.project(enc.mean, enc.count) : null;
        return {
          filename: `${stem}-selection-${numbers.length}.csv`,
          text: encodedToCsv(enc, picked.labels, positions, dataset.classNames, numbers, picked.files ?? null),
        };
      }
      // The points as the scatter shows them (set, projection and the weights they were encoded with), or the test set placed the latent size's own way.
      const view = input.view ?? { set: 'test', projection: { method: 'auto' } };
      const shown = s.placedFor(input.view) ?? (await placePoints(s, vae, dataset, view.set, view.projection));
      const numbers = Array.from({ length: shown.count }, (_, i) => shown.first + i);
      return {
        filename: `${stem}-${shown.set === 'both' ? 'all' : shown.set}-latent.csv`,
        text: encodedToCsv(shown.encoded, shown.labels, shown.positions, dataset.classNames, numbers, filesOf(splitsOf(dataset, shown.set).splits)),
      };
    },
  };
}

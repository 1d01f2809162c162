import { fileStem } from '../../contract/describe.js';
import { encodedToCsv, historyToCsv } from '../../io/csv.js';
import { encodeSet } from '../../latent/ops.js';
import { projectTo3d } from '../../latent/projection.js';
import { exploreView } from '../../latent/views.js';
import type { SessionState } from '../session-state.js';
import type { Handlers } from './types.js';

/** The explore views and the CSV exports: what the user takes away from a model. */
export function viewHandlers(s: SessionState): Handlers<'explore' | 'exportCsv'> {
  return {
    explore: async (input) => {
      const { vae, dataset } = s.requireModel();
      const v = await exploreView(vae, dataset.test, input);
      // A path is drawn in the scatter, placed as the scatter placed the points.
      const positions = v.path && s.projector ? s.projector(v.z, v.z.length / vae.config.latentDim) : null;
      return { images: v.images, cols: v.cols, z: v.z, positions, rowLabels: v.rowLabels, colLabels: v.colLabels };
    },
    exportCsv: async (input) => {
      const { vae, dataset } = s.requireModel();
      // Named after what they come from, so two models' files do not overwrite each other: mnist-latent3-10ep-history.csv.
      const stem = `${fileStem(dataset.name)}-latent${vae.config.latentDim}-${s.history.length}ep`;
      if (input.what === 'history') return { filename: `${stem}-history.csv`, text: historyToCsv(s.history) };
      const enc = await encodeSet(vae, dataset.test, 1000);
      const { positions } = projectTo3d(enc.mean, enc.count, enc.latentDim);
      return { filename: `${stem}-test-latent.csv`, text: encodedToCsv(enc, dataset.test.labels, positions, dataset.classNames) };
    },
  };
}

import type { ModelConfig, ProjectionInfo } from './shapes.js';
import { DEFAULT_FILTERS } from './defaults.js';

// How a model is named to people, the same in the engine's sentences, the
// window's questions and its header.

/** The layers in a few words: "hidden 512" for an MLP, "conv 32-64, hidden 256" for a conv model, "imported" for one trained elsewhere. */
export function describeLayers(c: ModelConfig): string {
  if (c.arch === 'imported') return 'imported';
  const dense = `hidden ${c.hidden.join('-')}`;
  return c.arch === 'conv' ? `conv ${(c.filters ?? DEFAULT_FILTERS).join('-')}, ${dense}` : dense;
}

/** The likelihood in a few words: "bernoulli", "gaussian σ 0.1", "gaussian σ 0.071 (learned)". */
export function describeLikelihood(c: Pick<ModelConfig, 'likelihood' | 'sigma' | 'learnSigma'>): string {
  if (c.likelihood === 'bernoulli') return 'bernoulli';
  return `gaussian σ ${Number(c.sigma.toPrecision(2))}${c.learnSigma ? ' (learned)' : ''}`;
}

/** A name as a file name starts: "MNIST (binarised)" → "mnist-binarised". */
export function fileStem(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A model as questions and refusals name it: "MNIST, latent 3, hidden 512, 2 epochs". */
export function describeModel(dataset: string, c: ModelConfig, epochs: number): string {
  return `${dataset}, latent ${c.latentDim}, ${describeLayers(c)}, ${epochs} epoch${epochs === 1 ? '' : 's'}`;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** What a scatter's positions are, in one sentence: the scatter's note, a published picture's subtitle, the command line. */
export function describeProjection(p: ProjectionInfo, latentDim: number, count: number): string {
  switch (p.method) {
    case 'identity':
      return '3 latent dims, drawn as they are.';
    case 'plane':
      return '2 latent dims: the points lie on a plane.';
    case 'line':
      return '1 latent dim: the points lie on a line, spread up and down at random so that their density shows.';
    case 'pca':
      return `${latentDim} latent dims projected to ${p.sceneDims}D by PCA (${(p.explained ?? []).map(percent).join(' + ')} of the variance).`;
    case 'axes': {
      const rest = latentDim - (p.axes?.length ?? 0);
      return `Latent dims ${p.axisNames.join(', ')} as the axes${rest > 0 ? `; the other ${rest} are not shown (a click decodes them at 0, the prior's mean)` : ''}.`;
    }
    case 'umap': {
      const sample =
        p.fittedOn !== null && p.fittedOn < count
          ? `fitted on a sample of ${p.fittedOn.toLocaleString('en-US')}`
          : `fitted on all ${count.toLocaleString('en-US')} points`;
      const rest = p.fittedOn !== null && p.fittedOn < count ? `, the other ${(count - p.fittedOn).toLocaleString('en-US')} placed by its transform` : '';
      return `${latentDim} latent dims by UMAP in ${p.sceneDims}D (seed ${p.seed}, ${p.neighbours} neighbours, ${sample}${rest}; ${(p.ms / 1000).toFixed(1)} s). Neighbourhoods mean something; distances between clusters do not.`;
    }
  }
}

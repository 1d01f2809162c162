import type { ModelConfig } from './shapes.js';
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

// How the figures the engine reports are read, for every front end.

/**
 * A negative log-likelihood in nats per image as bits per dimension: divided
 * by the values per image (height × width × channels) and by ln 2. The figure
 * colour-image papers report, comparable across image sizes.
 */
export function bitsPerDim(natsPerImage: number, dimsPerImage: number): number {
  return natsPerImage / (dimsPerImage * Math.LN2);
}

/**
 * A latent unit is active when its posterior mean moves with the input: the
 * variance of E_q[z_u] over the data above this (the test of Burda, Grosse
 * and Salakhutdinov, "Importance Weighted Autoencoders", 2016). An inactive
 * unit's q(z_u|x) is the prior whatever the image: the decoder gets nothing
 * from it (posterior collapse).
 */
export const ACTIVE_UNIT_VARIANCE = 0.01;

/**
 * What a likelihood on dynamically binarised MNIST is compared with: test
 * −log p(x) in nats reported in the literature for one stochastic layer.
 */
export const PUBLISHED_BINARIZED_MNIST = [
  { nats: '89–90', what: 'a one-stochastic-layer VAE' },
  { nats: '86.8', what: 'one trained with the IWAE-50 objective' },
] as const;

/** The published figures in one line, for printing beside a measured one. */
export function publishedBinarizedMnist(): string {
  return `published for comparison: ${PUBLISHED_BINARIZED_MNIST.map((p) => `about ${p.nats} nats for ${p.what}`).join(', ')}`;
}

// How the figures the engine reports are read, for every front end.

/**
 * A negative log-likelihood in nats per image as bits per dimension: divided
 * by the values per image (height × width × channels) and by ln 2. The figure
 * colour-image papers report, comparable across image sizes.
 */
export function bitsPerDim(natsPerImage: number, dimsPerImage: number): number {
  return natsPerImage / (dimsPerImage * Math.LN2);
}

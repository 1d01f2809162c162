import { UserError } from '../contract/errors.js';
import type { NativeConfig } from '../contract/shapes.js';
import { DEFAULT_FILTERS } from '../contract/defaults.js';

/** The 3×3 kernels every convolution of the conv model uses. */
export const KERNEL = 3;

export interface ConvGeometry {
  filters: readonly number[];
  /** The image the model takes. */
  height: number;
  width: number;
  /** Height and width of the last convolution's output, where the dense layers begin. */
  innerHeight: number;
  innerWidth: number;
  channels: number;
}

/**
 * The shape of a conv model: each stride-2 convolution halves the image, so
 * height and width must divide by 2 for each; the transposed convolutions
 * then double it back to exactly the image's size.
 */
export function convGeometry(cfg: Pick<NativeConfig, 'height' | 'width' | 'channels' | 'filters'>): ConvGeometry {
  const filters = cfg.filters ?? DEFAULT_FILTERS;
  const factor = 2 ** filters.length;
  if (cfg.height % factor !== 0 || cfg.width % factor !== 0) {
    const size = [28, 32, 64].find((s) => s % factor === 0 && s >= factor) ?? factor;
    throw new UserError(
      'BAD_CONFIG',
      `A conv model with ${filters.length} convolutions needs images whose height and width divide by ${factor}, and these are ${cfg.height}×${cfg.width}; ` +
        `choose an image size such as ${size}, or fewer convolutions.`,
    );
  }
  return { filters, height: cfg.height, width: cfg.width, innerHeight: cfg.height / factor, innerWidth: cfg.width / factor, channels: cfg.channels ?? 1 };
}

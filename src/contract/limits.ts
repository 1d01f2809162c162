/**
 * Limits on what crosses the contract, stated once. Transports size their
 * caps from these: the largest legitimate request is a decode of
 * `decodePoints` points at the largest latent size.
 */
export const LIMITS = {
  /** Latent points decoded in one request. */
  decodePoints: 4096,
  /** The largest latent size any model may have. */
  latentDim: 256,
  /** Test images fetched in one request (hover, selections). */
  testImages: 1000,
  /** Points the scatter may show (test and training images together), and so the largest selection. */
  points: 200_000,
  /** Attribute vectors one model keeps, and bookmarks beside one model. */
  vectors: 64,
  bookmarks: 200,
  /** Characters in a vector's or bookmark's name. */
  name: 80,
  /** Nearest neighbours returned for one point. */
  neighbours: 100,
  /** Float32 values one decode or image reply may carry (32 MiB). */
  replyFloats: 8 * 1024 * 1024,
  /** Nesting of any message: the contract's deepest request is five levels. */
  depth: 16,
  /** Side of the square images an image folder is resized to. */
  imageSize: { min: 4, max: 256 },
  /** Requests one connection may have waiting for an answer. */
  inFlight: 32,
  /** Explore views, for the app and the command line alike (every view is also bounded by decodePoints). */
  explore: {
    /** Points along an interpolation. */
    pathSteps: 256,
    /** Values per dim in a traversal. */
    traverseSteps: 64,
    priorSamples: 1024,
    /** Images per side of a manifold grid. */
    grid: 64,
    /** How far from zero a traversal or grid reaches, in prior standard deviations. */
    range: 20,
    /** Test images denoised at once. */
    denoise: 1000,
  },
} as const;

/** The largest legitimate input: a decode of decodePoints points at the largest latent size, as float32. */
export const MAX_INPUT_BYTES = LIMITS.decodePoints * LIMITS.latentDim * 4;
/** The largest request in bytes: that input plus room for the envelope. */
export const MAX_REQUEST_BYTES = MAX_INPUT_BYTES + 64 * 1024;

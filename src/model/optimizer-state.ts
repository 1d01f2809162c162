/**
 * Adam's state per model variable (in `VaeModel.variables()` order), independent of
 * tfjs variable names, so it can be saved with a model and restored exactly.
 */
export interface AdamState {
  iterations: number;
  m: Float32Array[];
  v: Float32Array[];
}

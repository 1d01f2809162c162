export type Uncertainty = 'none' | 'size' | 'opacity';

/** How the scatter draws its points: their size and opacity, and whether the posterior σ sizes or fades them. */
export class ScatterStyle {
  /** Multiplies the points' size (1: as drawn by default). */
  size = $state(1);
  /** Opacity of every point, 0.02 to 1. */
  opacity = $state(1);
  /** 'size': more uncertain encodings (larger posterior σ) drawn larger; 'opacity': drawn fainter. */
  uncertainty = $state<Uncertainty>('none');

  /** Takes the values of a saved view, kept within their bounds. */
  restore(s: { size: number; opacity: number; uncertainty: Uncertainty }): void {
    this.size = Math.min(10, Math.max(0.1, s.size));
    this.opacity = Math.min(1, Math.max(0.02, s.opacity));
    this.uncertainty = s.uncertainty;
  }
}

export type CameraPose = { position: [number, number, number]; target: [number, number, number] };

/** Reaches the scatter's camera from outside the view (bookmarks save and restore it); null while no view is mounted. */
export class CameraLink {
  #view: { pose(): CameraPose; setPose(p: CameraPose): void } | null = null;

  attach(view: { pose(): CameraPose; setPose(p: CameraPose): void } | null): void {
    this.#view = view;
  }

  get(): CameraPose | null {
    return this.#view?.pose() ?? null;
  }

  set(p: CameraPose): void {
    this.#view?.setPose(p);
  }
}

import type { PointBuffers } from './buffers.js';
import { THUMBNAIL_CAP } from './thumbnails.js';
import type { Pose, ScatterTool, ScatterView } from './view.js';

/**
 * What browser tests and benchmarks reach from the page: where a point is
 * drawn, which point is under a pixel, the tool, the axes' texts, how many
 * points are drawn as selected, which as images and how many prior samples,
 * the camera, and drawing on demand. Only a
 * test build (`vite build --mode test`) compiles this module in.
 */
export interface ScatterHook {
  screenPosition(i: number): { x: number; y: number } | null;
  pick(clientX: number, clientY: number): number;
  setPoints(buffers: PointBuffers, dim: number): void;
  renderNow(): void;
  setTool(tool: ScatterTool): void;
  /** The axes' tick numbers and names, as drawn. */
  axisTexts(): string[];
  /** How many points are drawn as selected. */
  readonly highlightedCount: number;
  pose(): Pose;
  setPose(p: Pose): void;
  readonly canvas: HTMLCanvasElement;
  /** Frames drawn since the view was mounted, whether asked for or on demand. */
  readonly framesDrawn: number;
  /** Moves the camera towards (factor < 1) or away from the target. */
  zoom(factor: number): void;
  /** The rows drawn as their images now. */
  thumbnailRows(): number[];
  /** Those of them drawn faint, outside the selection. */
  thumbnailFadedRows(): number[];
  /** The most thumbnails drawn at a time. */
  readonly thumbnailCap: number;
  /** How many prior samples are drawn. */
  readonly priorCount: number;
}

declare global {
  interface Window {
    latentExplorerScatter?: ScatterHook;
  }
}

/** Puts the view on `window.latentExplorerScatter` until the returned function takes it off. */
export function exposeScatter(view: ScatterView, setTool: (tool: ScatterTool) => void): () => void {
  let frames = 0;
  const render = view.renderNow.bind(view);
  // Every frame, on demand or asked for, goes through renderNow: count them there.
  view.renderNow = () => {
    render();
    frames++;
  };
  const hook: ScatterHook = {
    screenPosition: (i) => view.screenPosition(i),
    pick: (x, y) => view.pick(x, y),
    setPoints: (buffers, dim) => view.setPoints(buffers, dim),
    renderNow: () => view.renderNow(),
    setTool,
    axisTexts: () => view.axisTexts(),
    get highlightedCount() {
      return view.highlightedCount;
    },
    pose: () => view.pose(),
    setPose: (p) => view.setPose(p),
    get canvas() {
      return view.canvas;
    },
    get framesDrawn() {
      return frames;
    },
    zoom: (f) => view.zoom(f),
    thumbnailRows: () => view.thumbs.rows(),
    thumbnailFadedRows: () => view.thumbs.fadedRows(),
    thumbnailCap: THUMBNAIL_CAP,
    get priorCount() {
      return view.priorCount;
    },
  };
  window.latentExplorerScatter = hook;
  return () => {
    if (window.latentExplorerScatter === hook) delete window.latentExplorerScatter;
  };
}

import type { ScreenIndex } from './screen-index.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A box or lasso being drawn: its corners so far, in CSS pixels from the canvas's top left. */
export interface Region {
  how: 'box' | 'lasso';
  start: [number, number];
  corners: [number, number][];
}

/**
 * The box or lasso while it is dragged, drawn on an SVG laid over the canvas
 * (outside the scene, so no saved picture has it).
 */
export class RegionDrawer {
  private readonly svg: SVGSVGElement;
  private readonly shape: SVGPolygonElement;
  region: Region | null = null;

  constructor(host: HTMLElement) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('aria-hidden', 'true');
    this.svg.dataset.testid = 'scatter-region';
    Object.assign(this.svg.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none', zIndex: '1', display: 'none' });
    this.shape = document.createElementNS(SVG, 'polygon');
    const attrs = { fill: 'rgba(37, 99, 235, 0.12)', stroke: '#2563eb', 'stroke-width': '1.5', 'stroke-dasharray': '5 3', 'stroke-linejoin': 'round' };
    for (const [k, v] of Object.entries(attrs)) this.shape.setAttribute(k, v);
    this.svg.appendChild(this.shape);
    host.appendChild(this.svg);
  }

  start(how: 'box' | 'lasso', at: [number, number]): void {
    this.region = { how, start: at, corners: [at] };
  }

  /** Takes the pointer's new place: the box's far corner, or the lasso's next corner. */
  extend(at: [number, number]): void {
    const region = this.region;
    if (!region) return;
    if (region.how === 'box') {
      const [x0, y0] = region.start;
      region.corners = [region.start, [at[0], y0], at, [x0, at[1]]];
    } else {
      // A corner every couple of pixels: enough to follow the hand, few enough to test quickly.
      const last = region.corners.at(-1)!;
      if (Math.hypot(at[0] - last[0], at[1] - last[1]) >= 2) region.corners.push(at);
    }
    this.svg.style.display = '';
    this.shape.setAttribute('points', region.corners.map(([x, y]) => `${x},${y}`).join(' '));
  }

  /** Stops drawing; returns the region drawn, if any. */
  end(): Region | null {
    const region = this.region;
    this.region = null;
    this.svg.style.display = 'none';
    this.shape.setAttribute('points', '');
    return region;
  }

  dispose(): void {
    this.svg.remove();
  }
}

/** The rows of the visible points inside a box or lasso, on screen. */
export function rowsInRegion(index: ScreenIndex, region: Region): number[] {
  if (region.how === 'box') {
    const [x0, y0] = region.corners[0]!;
    const [x1, y1] = region.corners[2] ?? region.corners[0]!;
    return index.inBox(x0, y0, x1, y1);
  }
  return index.inPolygon(region.corners);
}

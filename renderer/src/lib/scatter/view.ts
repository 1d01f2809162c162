import * as THREE from 'three';
import { bounds, type PointBuffers } from './buffers.js';
import { CameraRig, type Pose } from './camera-rig.js';
import type { Vec3 } from './picking.js';
import { Overlays } from './overlays.js';
import { PointsLayer } from './points-layer.js';
import { PriorPoints } from './prior-points.js';
import { RegionDrawer, rowsInRegion } from './region.js';
import type { ScreenIndex } from './screen-index.js';
import { ScreenMap } from './screen-map.js';
import { ThumbnailLayer, type ThumbnailSource } from './thumbnails.js';

export type { Pose } from './camera-rig.js';
export type { ThumbnailSource } from './thumbnails.js';
/** How a selection drawn on the scatter combines with the one there is. */
export type RegionMode = 'replace' | 'add' | 'remove';
/** What a drag on the scatter does: orbit the camera, or draw a box or a lasso round points. */
export type ScatterTool = 'orbit' | 'box' | 'lasso';

export interface ScatterEvents {
  /** The pointer is over a point (index), or over none (-1). */
  hover(index: number, clientX: number, clientY: number): void;
  /** A point was clicked (with shift held: the second end of an interpolation). */
  pickPoint(index: number, shift: boolean): void;
  /** Empty space was clicked, or the marker dragged: the scene point on the plane facing the camera. */
  pickSpace(point: Vec3, dragging: boolean): void;
  /**
   * A box or lasso was drawn: the rows of the visible points inside it on
   * screen, and whether they replace the selection, join it (Shift) or
   * leave it (Alt).
   */
  selectRegion(rows: number[], mode: RegionMode, how: 'box' | 'lasso'): void;
}

/** A pick finds the nearest point within this many CSS pixels of the cursor. */
const PICK_PX = 5;
/** A press that moves less than this (CSS px) before it is let go is a click. */
const CLICK_PX = 4;

/**
 * The latent scatter: the points (points-layer.ts), drawn as their images
 * where there is room (thumbnails.ts), the prior's samples beside them
 * (prior-points.ts), the axes and markers over them (overlays.ts) and the
 * camera (camera-rig.ts), drawn only when something changes; picking, boxes
 * and lassos work on the points' places on screen (screen-index.ts). Plain TypeScript, so Svelte only mounts and
 * tears it down.
 */
export class ScatterView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly rig: CameraRig;
  private readonly layer = new PointsLayer(this.scene, window.devicePixelRatio);
  private readonly overlays = new Overlays(this.scene);
  private readonly prior = new PriorPoints(this.scene, window.devicePixelRatio);
  /** The points drawn as their images (rows drawn, faded ones) for tests and benchmarks to read. */
  readonly thumbs = new ThumbnailLayer(this.scene, window.devicePixelRatio, () => this.requestRender());
  private readonly resize: ResizeObserver;
  private readonly region: RegionDrawer;
  private buffers: PointBuffers | null = null;
  /** Bumped whenever positions or visibility change, so the screen index knows it is stale. */
  private version = 0;
  private readonly map: ScreenMap;
  private frame = 0;
  private dim = 3;
  private down: { x: number; y: number; onMarker: boolean } | null = null;
  private dragging = false;
  private tool: ScatterTool = 'orbit';
  private readonly detach: (() => void)[] = [];
  /** Whether clicking empty space decodes (latent dim ≤ 3). */
  spaceDecoding = true;

  constructor(
    private readonly host: HTMLElement,
    private readonly events: ScatterEvents,
  ) {
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(window.devicePixelRatio);
    this.renderer.domElement.setAttribute('aria-label', 'Latent space scatter plot');
    this.renderer.domElement.tabIndex = -1;
    this.renderer.domElement.dataset.testid = 'scatter-canvas';
    host.appendChild(this.renderer.domElement);
    this.region = new RegionDrawer(host);
    this.rig = new CameraRig(this.renderer.domElement, () => this.requestRender());
    this.map = new ScreenMap(this.renderer.domElement, this.rig);
    this.resize = new ResizeObserver(() => this.fitSize());
    this.resize.observe(host);
    this.listen();
    this.setTheme(window.matchMedia('(prefers-color-scheme: dark)').matches);
    this.fitSize();
  }

  private listen(): void {
    const el = this.renderer.domElement;
    const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void) => {
      el.addEventListener(type, fn);
      this.detach.push(() => el.removeEventListener(type, fn));
    };
    on('pointerdown', (e) => {
      const m = this.map.clientOf(this.overlays.marker.position);
      const onMarker = this.overlays.marker.visible && Math.hypot(m.x - e.clientX, m.y - e.clientY) < 14;
      this.down = { x: e.clientX, y: e.clientY, onMarker };
      if (onMarker) {
        this.dragging = true;
        this.rig.controls.enabled = false;
        el.setPointerCapture(e.pointerId);
      } else if (this.tool !== 'orbit' && e.button === 0 && this.buffers) {
        this.region.start(this.tool, this.map.local(e.clientX, e.clientY));
        el.setPointerCapture(e.pointerId);
      }
    });
    on('pointermove', (e) => {
      if (this.dragging) return this.dragMarker(e.clientX, e.clientY, true);
      if (this.region.region) return this.region.extend(this.map.local(e.clientX, e.clientY));
      if (e.buttons === 0) this.events.hover(this.pick(e.clientX, e.clientY), e.clientX, e.clientY);
    });
    on('pointerup', (e) => {
      const d = this.down;
      this.down = null;
      if (this.dragging) {
        this.dragging = false;
        this.rig.controls.enabled = true;
        // Where the marker was let go: decoded once more, no longer following.
        return this.dragMarker(e.clientX, e.clientY, false);
      }
      const moved = !d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > CLICK_PX;
      if (this.region.region && moved) this.region.extend(this.map.local(e.clientX, e.clientY));
      const region = this.region.end();
      if (region && moved) {
        const index = this.screenIndex();
        const mode: RegionMode = e.altKey ? 'remove' : e.shiftKey ? 'add' : 'replace';
        return this.events.selectRegion(index ? rowsInRegion(index, region) : [], mode, region.how);
      }
      if (moved) return; // an orbit, not a click
      const i = this.pick(e.clientX, e.clientY);
      if (i >= 0) this.events.pickPoint(i, e.shiftKey);
      else if (this.spaceDecoding) this.dragMarker(e.clientX, e.clientY, false);
    });
    on('pointercancel', () => this.cancelRegion());
    on('pointerleave', () => this.events.hover(-1, 0, 0));
  }

  private dragMarker(clientX: number, clientY: number, dragging: boolean): void {
    const p = this.map.planePoint(clientX, clientY);
    if (!p) return;
    this.setMarker(p);
    this.events.pickSpace(p, dragging);
  }

  /** Drops a box or lasso being drawn (Escape), selecting nothing. */
  cancelRegion(): void {
    this.region.end();
  }

  /** What a left drag does; the wheel zooms and a right drag pans whatever the tool. */
  setTool(tool: ScatterTool): void {
    this.tool = tool;
    this.cancelRegion();
    this.rig.leftDragOrbits(tool === 'orbit');
    this.renderer.domElement.style.cursor = tool === 'orbit' ? '' : 'crosshair';
  }

  setTheme(dark: boolean): void {
    this.renderer.setClearColor(dark ? 0x16181d : 0xfafafa, 1);
    this.overlays.setTheme(dark);
    this.prior.setTheme(dark);
    this.requestRender();
  }

  /**
   * Replaces the points. Until the user moves the camera, each update frames
   * the cloud, so a latent space that grows while training stays in view.
   * `dim` is the scene's: 3 for points in space, fewer for points on the
   * z = 0 plane (seen from the front, with no z axis); `axisNames` name x,
   * y (and z).
   */
  setPoints(buffers: PointBuffers, dim: number, axisNames: readonly string[] = ['x', 'y', 'z']): void {
    const count = buffers.position.length / 3;
    this.layer.setBuffers(buffers);
    this.thumbs.setBuffers(buffers);
    this.buffers = buffers;
    this.version++;
    this.overlays.axes.set(buffers.position, dim >= 3 ? 3 : 2, axisNames);
    if (this.rig.following && count > 0) this.frameAll(dim, this.dim !== dim);
    this.dim = dim;
    this.requestRender();
  }

  /** The size multiplier and opacity of every point. */
  setStyle(style: { size: number; opacity: number }): void {
    this.layer.setStyle(style);
    this.thumbs.setSize(style.size);
    this.requestRender();
  }

  /** Each point's own size and opacity factors (its uncertainty), or none. */
  setPointScales(size: Float32Array | null, alpha: Float32Array | null): void {
    this.layer.setPointScales(size, alpha);
    this.requestRender();
  }

  /**
   * The selection, one byte per row (1: in it): drawn at full colour and a
   * little larger over the rest, which fade. Null: no selection, all drawn alike.
   */
  setHighlighted(rows: Uint8Array | null): void {
    for (const layer of [this.layer, this.thumbs]) layer.setHighlighted(rows);
    this.requestRender();
  }

  /** How many rows are drawn as selected. */
  get highlightedCount(): number {
    return this.layer.highlightedCount;
  }

  /** The axes' texts (tick numbers and names), for checking what a saved picture says. */
  axisTexts(): string[] {
    return this.overlays.axes.texts();
  }

  /** Draws and picks nothing until the next points: those of a replaced model mean nothing for the new one. */
  clearPoints(): void {
    this.buffers = null;
    this.version++;
    this.layer.clear();
    this.thumbs.setBuffers(null);
    this.overlays.axes.hide();
    this.cancelRegion();
    this.requestRender();
  }

  /** Samples of the prior (count × 3 scene positions) drawn beside the points, or none. */
  setPrior(positions: Float32Array | null): void {
    this.prior.setPositions(positions);
    this.requestRender();
  }

  /** How many prior samples are drawn. */
  get priorCount(): number {
    return this.prior.count;
  }

  /** Draws points as their images from this source where there is room, or (null) all as dots. */
  setThumbnails(source: ThumbnailSource | null): void {
    this.thumbs.setSource(source);
    this.requestRender();
  }

  /** Follows the data again (after a new model, or Reset view). */
  follow(): void {
    this.rig.following = true;
  }

  /** Frames all points from the default direction (front for 2 scene dims, oblique for 3) and follows the data again. */
  resetView(dim = this.dim): void {
    this.rig.following = true;
    this.frameAll(dim, true);
  }

  /** Fits all points and the axes in view; keeps the viewing direction unless `fromDefault`. */
  private frameAll(dim: number, fromDefault: boolean): void {
    const b = this.buffers ? bounds(this.buffers.position) : { center: [0, 0, 0] as Vec3, radius: 3 };
    const center = new THREE.Vector3(...b.center);
    // The axes start below the points and their labels stick out: frame them too.
    this.rig.frame(center, Math.max(b.radius, this.overlays.axes.reach(center) * 1.08), dim, fromDefault);
    this.overlays.fit(b.radius);
    this.requestRender();
  }

  /** Where the camera is and what it looks at (a bookmark keeps it). */
  pose(): Pose {
    return this.rig.pose();
  }

  /** Puts the camera where a bookmark had it; the view stops following the data. */
  setPose(p: Pose): void {
    this.rig.setPose(p, this.buffers ? bounds(this.buffers.position).radius : 3);
    this.requestRender();
  }

  setMarker(p: Vec3 | null): void {
    this.overlays.setMarker(p);
    this.requestRender();
  }

  /** Draws an interpolation's path, or the rays to decoded points (pairs of scene points, from and to); null hides them. */
  setLines(which: 'path' | 'decoded', positions: Float32Array | null): void {
    if (which === 'path') this.overlays.setPath(positions);
    else this.overlays.setDecoded(positions);
    this.requestRender();
  }

  setSelected(index: number | null): void {
    const pos = this.buffers?.position;
    this.overlays.setSelected(index !== null && pos && index * 3 < pos.length ? [pos[index * 3]!, pos[index * 3 + 1]!, pos[index * 3 + 2]!] : null);
    this.requestRender();
  }

  /** The visible points on screen, indexed (see ScreenMap). */
  private screenIndex(): ScreenIndex | null {
    return this.buffers && this.map.index(this.buffers, this.version);
  }

  /** The index of the point under the cursor (the nearest on screen within a few pixels, the front one on ties), or -1. */
  pick(clientX: number, clientY: number): number {
    const index = this.screenIndex();
    if (!index) return -1;
    const [x, y] = this.map.local(clientX, clientY);
    return index.nearest(x, y, PICK_PX);
  }

  /** Where point i is drawn, in client pixels (for keyboard focus rings and automation). */
  screenPosition(i: number): { x: number; y: number } | null {
    const pos = this.buffers?.position;
    if (!pos || i * 3 >= pos.length) return null;
    return this.map.clientOf(new THREE.Vector3(pos[i * 3]!, pos[i * 3 + 1]!, pos[i * 3 + 2]!));
  }

  /** Rotates the camera a little about the target (keyboard orbiting). */
  orbit(dAzimuth: number, dPolar: number): void {
    this.rig.orbit(dAzimuth, dPolar);
  }

  zoom(factor: number): void {
    this.rig.zoom(factor);
  }

  private fitSize(): void {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = '100%';
    this.renderer.domElement.style.height = '100%';
    this.rig.setAspect(w / h);
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  /** Draws one frame now (benchmarks time this). */
  renderNow(): void {
    const size = this.renderer.getSize(new THREE.Vector2());
    this.overlays.axes.fitScreen(this.rig.camera, size.x, size.y);
    this.renderer.render(this.scene, this.rig.camera);
    this.thumbs.settle(this.map.key(this.version), () => {
      const points = this.screenIndex();
      return points && { points, ...this.map.size() };
    });
  }

  /**
   * The view drawn again at `scale` times its pixels (points scaled with it;
   * the axes' labels keep their share of the picture), copied onto a canvas
   * of its own, then drawn back as it was: the picture a publishable export
   * starts from.
   */
  renderAt(scale: number): HTMLCanvasElement {
    const ratio = this.renderer.getPixelRatio();
    const size = this.renderer.getSize(new THREE.Vector2());
    const set = (r: number) => {
      this.renderer.setPixelRatio(r);
      this.renderer.setSize(size.x, size.y, false);
      this.layer.setPixelRatio(r);
      this.thumbs.setPixelRatio(r);
      this.prior.setPixelRatio(r);
      this.renderNow();
    };
    set(ratio * scale);
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    out.getContext('2d')!.drawImage(this.canvas, 0, 0);
    set(ratio);
    return out;
  }

  /** The canvas, for snapshots. */
  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement;
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.detach.forEach((d) => d());
    this.resize.disconnect();
    this.rig.dispose();
    this.layer.dispose();
    this.thumbs.dispose();
    this.prior.dispose();
    this.overlays.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
    this.region.dispose();
  }
}

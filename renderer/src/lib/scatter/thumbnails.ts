import * as THREE from 'three';
import { LIMITS } from '../../../../src/contract/limits.js';
import { imageRgba, type ImageSet } from '../images.js';
import { AtlasCells, atlasLayout } from './atlas.js';
import type { PointBuffers } from './buffers.js';
import { chooseThumbnails, type ScreenPoints } from './lod.js';
import { thumbnailMaterial } from './thumbnail-shaders.js';

/** Opacity of a thumbnail outside the selection, as faint as the dots outside it. */
const FADED = 0.15;

/** Where the thumbnails' images come from: one model's images by number. */
export interface ThumbnailSource {
  /** The session's generation: images are kept for one model, and dropped when another replaces it. */
  generation: number;
  /** The image number of row 0 of the points. */
  first: number;
  /** Images by number (at most LIMITS.testImages at a time); nothing when they could not be had. */
  fetch(numbers: number[]): Promise<ImageSet | null | undefined>;
}

/** The most thumbnails drawn at a time; the other points stay dots. */
export const THUMBNAIL_CAP = 1500;
/** A thumbnail's side at the style's size 1, CSS px. */
export const THUMBNAIL_PX = 32;
/** The choice is made again this long after the camera, the points or the size last changed. */
const SETTLE_MS = 150;
/** Images larger than this are kept at this side: a thumbnail does not need more. */
const MAX_CELL = 48;
/** Bytes of images kept for coming back to (orbiting, zooming out again). */
const CACHE_BYTES = 48 * 1024 * 1024;
/** The label-coloured frame round each thumbnail, CSS px. */
const BORDER_PX = 1.5;

/**
 * The points drawn as their images. Among the visible points in view, a
 * level of detail chooses at most THUMBNAIL_CAP that do not overlap on
 * screen, nearest the camera first (lod.ts), once the view has settled; their
 * images are fetched once per model and kept by image number, and packed
 * into one atlas texture (atlas.ts) that a THREE.Points reads cell by cell.
 */
export class ThumbnailLayer {
  private source: ThumbnailSource | null = null;
  private generation = -1;
  /** Image number → cell × cell RGBA, in the order fetched (the oldest go first past the budget). */
  private cache = new Map<number, Uint8Array>();
  private cell = 0;
  private atlas: { texture: THREE.DataTexture; cells: AtlasCells; cols: number; side: number } | null = null;
  private buffers: PointBuffers | null = null;
  /** Rows chosen to be drawn as images, nearest first. */
  private chosen: number[] = [];
  private drawnRows: number[] = [];
  /** The selection, one byte per row: with one, the thumbnails outside it fade as the dots do. */
  private highlighted: Uint8Array | null = null;
  private geometry = new THREE.BufferGeometry();
  private readonly material = thumbnailMaterial();
  private readonly points: THREE.Points;
  private fetching = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private settledKey = '';
  private pendingKey = '';
  private size = 1;
  private pixelRatio: number;

  constructor(
    scene: THREE.Scene,
    pixelRatio: number,
    private readonly changed: () => void,
  ) {
    this.pixelRatio = pixelRatio;
    this.points = new THREE.Points(this.geometry, this.material);
    this.points.frustumCulled = false;
    this.points.visible = false;
    // After the dots: a thumbnail covers its own dot, at the same depth.
    this.points.renderOrder = 2;
    scene.add(this.points);
    this.fitSize();
  }

  /** The thumbnails' side in CSS px, following the style's size. */
  get sidePx(): number {
    return Math.min(256, Math.max(8, THUMBNAIL_PX * this.size));
  }

  /** How many are drawn now, and which rows. */
  get drawn(): number {
    return this.drawnRows.length;
  }

  rows(): number[] {
    return [...this.drawnRows];
  }

  /** The rows drawn faint: outside the selection, while there is one. */
  fadedRows(): number[] {
    const h = this.highlighted;
    return h ? this.drawnRows.filter((r) => !h[r]) : [];
  }

  /** Images from this source, or (null) dots again. Another model's images are forgotten. */
  setSource(source: ThumbnailSource | null): void {
    if (source && source.generation !== this.generation) {
      this.generation = source.generation;
      this.cache.clear();
      this.dropAtlas();
    }
    this.source = source;
    this.settledKey = '';
    this.pendingKey = '';
    clearTimeout(this.timer);
    if (!source) this.chosen = [];
    this.draw();
  }

  /** New points (or none): the chosen rows are drawn where the points now are, until the next choice. */
  setBuffers(buffers: PointBuffers | null): void {
    this.buffers = buffers;
    this.chosen = buffers ? this.chosen.filter((r) => r < buffers.visible.length && buffers.visible[r]! >= 0.5) : [];
    this.draw();
  }

  /** The selection (one byte per row) or none: thumbnails outside it are drawn faint. */
  setHighlighted(rows: Uint8Array | null): void {
    this.highlighted = rows && rows.some((r) => r !== 0) ? rows : null;
    if (this.drawnRows.length > 0) this.draw();
  }

  setSize(size: number): void {
    this.size = size;
    this.fitSize();
  }

  setPixelRatio(ratio: number): void {
    this.pixelRatio = ratio;
    this.fitSize();
  }

  private fitSize(): void {
    const u = this.material.uniforms;
    u.size!.value = this.sidePx * this.pixelRatio;
    u.border!.value = BORDER_PX / this.sidePx;
  }

  /**
   * Called after every frame with what identifies the view (camera, canvas,
   * points): once it has stayed the same for SETTLE_MS, the thumbnails are
   * chosen again from the points on screen.
   */
  settle(viewKey: string, screen: () => { points: ScreenPoints; width: number; height: number } | null): void {
    if (!this.source || !this.buffers) return;
    const key = `${viewKey} ${this.sidePx}`;
    if (key === this.settledKey || key === this.pendingKey) return;
    clearTimeout(this.timer);
    this.pendingKey = key;
    this.timer = setTimeout(() => {
      this.pendingKey = '';
      const s = screen();
      if (!s || !this.source) return;
      this.settledKey = key;
      this.chosen = chooseThumbnails(s.points, s.width, s.height, this.sidePx, THUMBNAIL_CAP);
      this.draw();
      void this.pump();
    }, SETTLE_MS);
  }

  /** Fetches the chosen images not yet kept, a request at a time, drawing each part as it comes. */
  private async pump(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    try {
      for (;;) {
        const src = this.source;
        if (!src) return;
        const need = this.chosen.map((r) => src.first + r).filter((n) => !this.cache.has(n));
        if (need.length === 0) return;
        const part = need.slice(0, LIMITS.testImages);
        const images = await src.fetch(part);
        // Another model meanwhile: these images are not its; what it needs is asked for next.
        if (src.generation !== this.generation) continue;
        // A failure leaves dots; the next choice asks again.
        if (!images || images.pixels.length < part.length * images.height * images.width * (images.channels ?? 1)) return;
        this.keep(part, images);
        this.draw();
      }
    } finally {
      this.fetching = false;
    }
  }

  /** Puts fetched images in the cache at the atlas's cell size, forgetting the least recently used past the budget. */
  private keep(numbers: number[], images: ImageSet): void {
    if (this.cell === 0) this.cell = Math.min(MAX_CELL, Math.max(images.height, images.width));
    const c = this.cell;
    numbers.forEach((n, k) => {
      const { width, height, data } = imageRgba(images, k);
      const out = new Uint8Array(c * c * 4);
      for (let y = 0; y < c; y++) {
        const sy = Math.floor((y * height) / c);
        for (let x = 0; x < c; x++) {
          const s = (sy * width + Math.floor((x * width) / c)) * 4;
          out.set(data.subarray(s, s + 4), (y * c + x) * 4);
        }
      }
      this.cache.set(n, out);
    });
    const wanted = new Set(this.chosen.map((r) => (this.source?.first ?? 0) + r));
    for (const n of this.cache.keys()) {
      if (this.cache.size * c * c * 4 <= CACHE_BYTES) break;
      if (!wanted.has(n)) this.cache.delete(n);
    }
  }

  /** The atlas, made at the first images' size. */
  private ensureAtlas(): NonNullable<ThumbnailLayer['atlas']> {
    if (this.atlas) return this.atlas;
    const { cols, side, capacity } = atlasLayout(this.cell, THUMBNAIL_CAP);
    const texture = new THREE.DataTexture(new Uint8Array(side * side * 4), side, side, THREE.RGBAFormat);
    texture.magFilter = THREE.LinearFilter;
    texture.minFilter = THREE.LinearFilter;
    texture.generateMipmaps = false;
    const u = this.material.uniforms;
    u.atlas!.value = texture;
    u.cellUv!.value = this.cell / side;
    u.inset!.value = 0.5 / this.cell;
    this.atlas = { texture, cells: new AtlasCells(capacity), cols, side };
    return this.atlas;
  }

  private dropAtlas(): void {
    this.atlas?.texture.dispose();
    this.atlas = null;
    this.cell = 0;
    this.material.uniforms.atlas!.value = null;
  }

  /** Draws the chosen rows whose images are kept; the others stay dots until theirs come. */
  private draw(): void {
    const b = this.buffers;
    const src = this.source;
    const rows: number[] = [];
    const position: number[] = [];
    const color: number[] = [];
    const cell: number[] = [];
    const fade: number[] = [];
    const h = this.highlighted && b && this.highlighted.length === b.position.length / 3 ? this.highlighted : null;
    if (b && src && this.cell > 0) {
      const atlas = this.ensureAtlas();
      const keep = new Set(this.chosen.map((r) => src.first + r));
      const data = atlas.texture.image.data as Uint8Array;
      const c = this.cell;
      let written = false;
      for (const r of this.chosen) {
        const pixels = this.cache.get(src.first + r);
        if (!pixels || r * 3 >= b.position.length) continue;
        const placed = atlas.cells.place(src.first + r, keep);
        if (!placed) continue;
        const cx = (placed.cell % atlas.cols) * c;
        const cy = Math.floor(placed.cell / atlas.cols) * c;
        if (placed.fresh) {
          for (let y = 0; y < c; y++) data.set(pixels.subarray(y * c * 4, (y + 1) * c * 4), ((cy + y) * atlas.side + cx) * 4);
          written = true;
        }
        rows.push(r);
        position.push(b.position[r * 3]!, b.position[r * 3 + 1]!, b.position[r * 3 + 2]!);
        color.push(b.color[r * 3]!, b.color[r * 3 + 1]!, b.color[r * 3 + 2]!);
        cell.push(cx / atlas.side, cy / atlas.side);
        fade.push(h && !h[r] ? FADED : 1);
      }
      if (written) atlas.texture.needsUpdate = true;
    }
    const old = this.geometry;
    this.geometry = new THREE.BufferGeometry();
    this.geometry.setAttribute('position', new THREE.Float32BufferAttribute(position, 3));
    this.geometry.setAttribute('pcolor', new THREE.Float32BufferAttribute(color, 3));
    this.geometry.setAttribute('cell', new THREE.Float32BufferAttribute(cell, 2));
    this.geometry.setAttribute('fade', new THREE.Float32BufferAttribute(fade, 1));
    this.points.geometry = this.geometry;
    this.points.visible = rows.length > 0;
    old.dispose();
    this.drawnRows = rows;
    this.changed();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.source = null;
    this.geometry.dispose();
    this.material.dispose();
    this.dropAtlas();
  }
}

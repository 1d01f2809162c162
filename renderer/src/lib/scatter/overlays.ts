import * as THREE from 'three';
import { axisTicks, type AxisTicks } from './axes.js';
import type { Vec3 } from './picking.js';

function sphere(color: number): THREE.Mesh {
  const m = new THREE.Mesh(new THREE.SphereGeometry(1, 16, 12), new THREE.MeshBasicMaterial({ color, wireframe: true }));
  m.visible = false;
  return m;
}

/** Texture pixels per CSS pixel of a label: sharp at twice the pixels (a published export) on a 2× screen. */
const TEXT_SCALE = 4;

/** A text drawn into the scene, sized in screen pixels. */
interface Label {
  sprite: THREE.Sprite;
  text: string;
  bold: boolean;
  /** Its size in CSS pixels, from its texture. */
  width: number;
  height: number;
}

const THEMES = {
  light: { text: '#2b2f36', halo: '#fafafa', line: 0x8a8f98 },
  dark: { text: '#dfe3ea', halo: '#16181d', line: 0x767c86 },
};

/**
 * The scatter's axes, drawn in the scene so that a saved PNG has them: one
 * line per scene axis from the corner below the points, ticks at nice numbers
 * across the points' range, the numbers beside them and the axis's name at
 * its end. The text is sprites of canvas textures kept at a fixed size in
 * screen pixels, and readable over either theme's background (a halo of it).
 */
export class Axes {
  readonly group = new THREE.Group();
  private readonly lines = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: THEMES.light.line }));
  private labels: Label[] = [];
  private key = '';
  private dark = false;
  /** The ends of the axes, for framing the camera round them. */
  private ends: THREE.Vector3[] = [];
  /** Each axis's name, with the axis's start and end: the name sits beyond the end, wherever the axis points on screen. */
  private names: { label: Label; from: THREE.Vector3; to: THREE.Vector3 }[] = [];

  constructor() {
    this.lines.frustumCulled = false;
    this.group.add(this.lines);
    this.group.visible = false;
  }

  /** Axes for these points; names x, y (then z). Rebuilt only when the ticks or names change. */
  set(positions: Float32Array, sceneDims: 2 | 3, names: readonly string[]): void {
    const ticks = axisTicks(positions, sceneDims);
    const key = JSON.stringify([ticks.map((t) => t.values), names.slice(0, sceneDims)]);
    this.group.visible = positions.length > 0;
    if (key === this.key) return;
    this.key = key;
    this.build(ticks, names);
  }

  hide(): void {
    this.group.visible = false;
  }

  private build(ticks: AxisTicks[], names: readonly string[]): void {
    this.clearLabels();
    const origin = new THREE.Vector3(ticks[0]!.lo, ticks[1]!.lo, ticks[2]?.lo ?? 0);
    const span = Math.max(...ticks.map((t) => t.hi - t.lo));
    const tick = span * 0.02;
    const segs: number[] = [];
    const unit = [new THREE.Vector3(1, 0, 0), new THREE.Vector3(0, 1, 0), new THREE.Vector3(0, 0, 1)];
    this.ends = [origin.clone()];
    ticks.forEach((t, a) => {
      const along = unit[a]!;
      const end = origin.clone().setComponent(a, t.hi);
      this.ends.push(end);
      segs.push(...origin.toArray(), ...end.toArray());
      // x and z read below their ticks (y is up whatever the orbit); y to the left of its own.
      const out = a === 1 ? new THREE.Vector3(-1, 0, 0) : new THREE.Vector3(0, -1, 0);
      t.values.forEach((v, k) => {
        const at = origin.clone().setComponent(a, v);
        const tip = at.clone().addScaledVector(out, tick);
        segs.push(...at.toArray(), ...tip.toArray());
        // z's first number would sit on x's, below the corner the axes share: its tick says enough.
        if (a === 2 && k === 0) return;
        const label = this.label(t.labels[k]!, false, a === 1 ? [1, 0.5] : [0.5, 1]);
        label.sprite.position.copy(at.clone().addScaledVector(out, tick * 1.6));
      });
      const name = names[a];
      if (name) {
        const label = this.label(name, true, [0.5, 0.5]);
        label.sprite.position.copy(end.clone().addScaledVector(along, tick));
        this.names.push({ label, from: origin.clone(), to: end });
      }
    });
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute(segs, 3));
    this.lines.geometry.dispose();
    this.lines.geometry = geometry;
  }

  private label(text: string, bold: boolean, center: [number, number]): Label {
    const material = new THREE.SpriteMaterial({ sizeAttenuation: false, depthTest: false, depthWrite: false, transparent: true });
    const sprite = new THREE.Sprite(material);
    sprite.center.set(center[0], center[1]);
    sprite.renderOrder = 10;
    const label: Label = { sprite, text, bold, width: 1, height: 1 };
    this.paint(label);
    this.labels.push(label);
    this.group.add(sprite);
    return label;
  }

  /** Draws a label's text into its texture, in the theme's colours. */
  private paint(label: Label): void {
    const theme = this.dark ? THEMES.dark : THEMES.light;
    const px = (label.bold ? 12 : 11) * TEXT_SCALE;
    const font = `${label.bold ? '600 ' : ''}${px}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d')!;
    ctx.font = font;
    const halo = 3 * TEXT_SCALE;
    canvas.width = Math.ceil(ctx.measureText(label.text).width + 2 * halo);
    canvas.height = Math.ceil(px * 1.3 + 2 * halo);
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = halo;
    ctx.strokeStyle = theme.halo;
    ctx.strokeText(label.text, halo, canvas.height / 2);
    ctx.fillStyle = theme.text;
    ctx.fillText(label.text, halo, canvas.height / 2);
    const texture = new THREE.CanvasTexture(canvas);
    texture.colorSpace = THREE.SRGBColorSpace;
    const material = label.sprite.material;
    material.map?.dispose();
    material.map = texture;
    material.needsUpdate = true;
    label.width = canvas.width / TEXT_SCALE;
    label.height = canvas.height / TEXT_SCALE;
  }

  setTheme(dark: boolean): void {
    if (dark === this.dark) return;
    this.dark = dark;
    this.lines.material.color.setHex((dark ? THEMES.dark : THEMES.light).line);
    this.labels.forEach((l) => this.paint(l));
  }

  /**
   * Keeps the labels at their size in CSS pixels: a sprite that ignores
   * distance spans scale × P[1][1] of the view's height in clip units, so it
   * gets scale = 2 px / (P[1][1] × the view's height in px).
   */
  fitScreen(camera: THREE.Camera, widthPx: number, heightPx: number): void {
    const perPixel = 2 / (camera.projectionMatrix.elements[5]! * Math.max(1, heightPx));
    for (const l of this.labels) l.sprite.scale.set(l.width * perPixel, l.height * perPixel, 1);
    // A name's box touches the axis's end on the side the axis leaves by, 4 px out.
    camera.updateMatrixWorld();
    for (const { label, from, to } of this.names) {
      const a = from.clone().project(camera);
      const b = to.clone().project(camera);
      const dx = ((b.x - a.x) * widthPx) / 2;
      const dy = ((b.y - a.y) * heightPx) / 2;
      const len = Math.hypot(dx, dy);
      if (len < 1e-6) continue;
      const sx = dx / len / label.width;
      const sy = dy / len / label.height;
      const reach = 0.5 / Math.max(Math.abs(sx), Math.abs(sy));
      label.sprite.center.set(0.5 - sx * (reach + 4), 0.5 - sy * (reach + 4));
    }
  }

  /** How far the axes reach from `center` (the camera frames them with the points). */
  reach(center: THREE.Vector3): number {
    return this.group.visible ? Math.max(0, ...this.ends.map((e) => e.distanceTo(center))) : 0;
  }

  /** The texts drawn, ticks and names, in the order drawn (x's, then y's, then z's). */
  texts(): string[] {
    return this.group.visible ? this.labels.map((l) => l.text) : [];
  }

  private clearLabels(): void {
    this.names = [];
    for (const l of this.labels) {
      l.sprite.material.map?.dispose();
      l.sprite.material.dispose();
      this.group.remove(l.sprite);
    }
    this.labels = [];
  }

  dispose(): void {
    this.clearLabels();
    this.lines.geometry.dispose();
    this.lines.material.dispose();
  }
}

/**
 * What the scatter draws over the points: the axes, the decode marker, a ring
 * round the selected point and an interpolation path. Marker and ring are
 * sized to the cloud, so they read the same at any zoom.
 */
/** Violet: none of the label colours, and apart from the marker's red. */
export const DECODED_COLOUR = 0x7c3aed;

export class Overlays {
  readonly axes = new Axes();
  readonly marker = sphere(0xe11d48);
  readonly selection = sphere(0x111111);
  readonly path = new THREE.Line(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0xe11d48 }));
  /** Decoded points away from their origin (sampled z round a picked point's mean, a point moved along a vector): a ray to each, and a dot at its end. */
  readonly decoded = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: DECODED_COLOUR }));
  readonly decodedEnds = new THREE.Points(new THREE.BufferGeometry(), new THREE.PointsMaterial({ color: DECODED_COLOUR, size: 7, sizeAttenuation: false }));

  constructor(scene: THREE.Scene) {
    this.path.visible = false;
    this.path.frustumCulled = false;
    for (const o of [this.decoded, this.decodedEnds]) {
      o.visible = false;
      o.frustumCulled = false;
      o.renderOrder = 2;
    }
    scene.add(this.axes.group, this.marker, this.selection, this.path, this.decoded, this.decodedEnds);
  }

  /** Rays from origins to decoded points: pairs of scene points (from, to) one after the other; null hides them. */
  setDecoded(pairs: Float32Array | null): void {
    const shown = pairs !== null && pairs.length >= 6;
    this.decoded.visible = shown;
    this.decodedEnds.visible = shown;
    if (!shown) return;
    const ends = new Float32Array(pairs.length / 2);
    for (let i = 0; i < pairs.length / 6; i++) ends.set(pairs.subarray(i * 6 + 3, i * 6 + 6), i * 3);
    for (const [o, values] of [
      [this.decoded, pairs.slice()],
      [this.decodedEnds, ends],
    ] as const) {
      o.geometry.dispose();
      o.geometry = new THREE.BufferGeometry();
      o.geometry.setAttribute('position', new THREE.BufferAttribute(values, 3));
    }
  }

  /** Scales the marker and ring to a cloud of this radius. */
  fit(radius: number): void {
    const s = radius * 0.02;
    this.marker.scale.setScalar(s * 2);
    this.selection.scale.setScalar(s);
  }

  setMarker(p: Vec3 | null): void {
    this.marker.visible = p !== null;
    if (p) this.marker.position.set(...p);
  }

  /** Draws a path through scene points (an interpolation), or hides it. */
  setPath(positions: Float32Array | null): void {
    this.path.visible = positions !== null && positions.length >= 6;
    if (positions) {
      this.path.geometry.dispose();
      this.path.geometry = new THREE.BufferGeometry();
      this.path.geometry.setAttribute('position', new THREE.BufferAttribute(positions.slice(), 3));
    }
  }

  /** Rings the point at `at`, or hides the ring. */
  setSelected(at: Vec3 | null): void {
    this.selection.visible = at !== null;
    if (at) this.selection.position.set(...at);
  }

  setTheme(dark: boolean): void {
    this.axes.setTheme(dark);
    (this.selection.material as THREE.MeshBasicMaterial).color.setHex(dark ? 0xeeeeee : 0x111111);
  }

  dispose(): void {
    for (const o of [this.marker, this.selection, this.path, this.decoded, this.decodedEnds]) {
      o.geometry.dispose();
      (o.material as THREE.Material).dispose();
    }
    this.axes.dispose();
  }
}

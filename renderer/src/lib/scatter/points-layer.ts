import * as THREE from 'three';
import type { PointBuffers } from './buffers.js';
import { pointsMaterial, setPass, setTranslucent } from './shaders.js';

/**
 * The points as the scene holds them: one geometry drawn by two THREE.Points,
 * all of them (or, with a selection, the rest, faded) and then the chosen
 * ones; the style's size and opacity, and each point's own factors.
 */
export class PointsLayer {
  private geometry = new THREE.BufferGeometry();
  private readonly material: THREE.ShaderMaterial;
  private readonly chosenMaterial: THREE.ShaderMaterial;
  private readonly points: THREE.Points;
  private readonly chosenPoints: THREE.Points;
  private count = 0;
  private opacity = 1;
  private perPoint: { size: Float32Array | null; alpha: Float32Array | null } = { size: null, alpha: null };
  private highlighted: Uint8Array | null = null;

  constructor(scene: THREE.Scene, pixelRatio: number) {
    this.material = pointsMaterial(pixelRatio);
    this.chosenMaterial = pointsMaterial(pixelRatio, 'chosen');
    this.points = new THREE.Points(this.geometry, this.material);
    this.chosenPoints = new THREE.Points(this.geometry, this.chosenMaterial);
    this.points.frustumCulled = false;
    this.chosenPoints.frustumCulled = false;
    this.chosenPoints.visible = false;
    // Drawn after the rest when both blend, so the chosen stay on top.
    this.chosenPoints.renderOrder = 1;
    scene.add(this.points, this.chosenPoints);
  }

  setBuffers(buffers: PointBuffers): void {
    const count = buffers.position.length / 3;
    if (count !== this.count) {
      // Another size: a fresh geometry, so the old one's GPU buffers go with it.
      const old = this.geometry;
      this.geometry = new THREE.BufferGeometry();
      this.points.geometry = this.geometry;
      this.chosenPoints.geometry = this.geometry;
      old.dispose();
      this.count = count;
    }
    this.setAttribute('position', buffers.position, 3);
    this.setAttribute('pcolor', buffers.color, 3);
    this.setAttribute('visible', buffers.visible, 1);
    this.writePerPoint();
    this.writeHighlight();
    this.geometry.setDrawRange(0, count);
  }

  /** Draws nothing until the next buffers. */
  clear(): void {
    this.geometry.setDrawRange(0, 0);
  }

  /** Copies values into the geometry's attribute, making one the first time or when the size changed. */
  private setAttribute(name: string, values: Float32Array, itemSize: number): void {
    const attr = this.geometry.getAttribute(name) as THREE.BufferAttribute | undefined;
    if (attr && attr.array.length === values.length) {
      (attr.array as Float32Array).set(values);
      attr.needsUpdate = true;
    } else {
      this.geometry.setAttribute(name, new THREE.BufferAttribute(Float32Array.from(values), itemSize));
    }
  }

  /** Per-point values that fit the points, or `fill` for each when there are none (or they are another model's). */
  private perPointOr(values: ArrayLike<number> | null, fill: number): Float32Array {
    const out = new Float32Array(this.count);
    if (values && values.length === this.count) out.set(values);
    else out.fill(fill);
    return out;
  }

  private writePerPoint(): void {
    this.setAttribute('psize', this.perPointOr(this.perPoint.size, 1), 1);
    this.setAttribute('palpha', this.perPointOr(this.perPoint.alpha, 1), 1);
    this.updateTranslucency();
  }

  private writeHighlight(): void {
    const h = this.highlighted && this.highlighted.length === this.count ? this.highlighted : null;
    this.setAttribute('chosen', this.perPointOr(h, 0), 1);
    this.chosenPoints.visible = h !== null;
    setPass(this.material, h ? 'rest' : 'all');
    this.updateTranslucency();
  }

  private updateTranslucency(): void {
    const faint = this.opacity < 1 || (this.perPoint.alpha !== null && this.perPoint.alpha.length === this.count);
    setTranslucent(this.material, faint || this.chosenPoints.visible);
    setTranslucent(this.chosenMaterial, faint);
  }

  setStyle(style: { size: number; opacity: number }): void {
    this.opacity = style.opacity;
    for (const m of [this.material, this.chosenMaterial]) {
      m.uniforms.pointSize!.value = style.size;
      m.uniforms.opacity!.value = style.opacity;
    }
    this.updateTranslucency();
  }

  setPointScales(size: Float32Array | null, alpha: Float32Array | null): void {
    this.perPoint = { size, alpha };
    if (this.count > 0) this.writePerPoint();
  }

  setHighlighted(rows: Uint8Array | null): void {
    this.highlighted = rows && rows.some((r) => r !== 0) ? rows : null;
    if (this.count > 0) this.writeHighlight();
  }

  /** How many rows are drawn as selected. */
  get highlightedCount(): number {
    if (!this.chosenPoints.visible || !this.highlighted) return 0;
    let n = 0;
    for (const r of this.highlighted) if (r) n++;
    return n;
  }

  /** Points are sized in device pixels: a drawing at another pixel ratio scales them with it. */
  setPixelRatio(ratio: number): void {
    this.material.uniforms.pixelRatio!.value = ratio;
    this.chosenMaterial.uniforms.pixelRatio!.value = ratio;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
    this.chosenMaterial.dispose();
  }
}

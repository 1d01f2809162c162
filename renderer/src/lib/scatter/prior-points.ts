import * as THREE from 'three';
import { priorMaterial } from './thumbnail-shaders.js';

/** The rings' diameter and stroke, CSS px. */
const RING_PX = 7;
const STROKE_PX = 1.6;

/** Grey that reads on either theme's background and is none of the label colours at this opacity. */
export const PRIOR_COLOUR = { light: 0x5f6670, dark: 0x979da7 };

/** The rings' grey as CSS, for a legend beside the picture. */
export function priorCss(dark: boolean): string {
  return `#${(dark ? PRIOR_COLOUR.dark : PRIOR_COLOUR.light).toString(16).padStart(6, '0')}`;
}

/**
 * Samples of the prior N(0, I), placed with the scatter's projection, drawn
 * as small grey rings beside the encoded points. They are only a picture:
 * picking, boxes and lassos never see them.
 */
export class PriorPoints {
  private geometry = new THREE.BufferGeometry();
  private readonly material = priorMaterial();
  private readonly points: THREE.Points;

  constructor(scene: THREE.Scene, pixelRatio: number) {
    this.points = new THREE.Points(this.geometry, this.material);
    this.points.frustumCulled = false;
    this.points.visible = false;
    // Drawn before the encoded points' translucent passes: the points stay on top.
    this.points.renderOrder = -1;
    const inner = 0.5 - STROKE_PX / RING_PX;
    this.material.uniforms.inner!.value = inner * inner;
    this.setPixelRatio(pixelRatio);
    this.setTheme(false);
    scene.add(this.points);
  }

  /** count × 3 scene positions, or null to hide them. */
  setPositions(positions: Float32Array | null): void {
    const old = this.geometry;
    this.geometry = new THREE.BufferGeometry();
    if (positions) this.geometry.setAttribute('position', new THREE.BufferAttribute(positions.slice(), 3));
    this.points.geometry = this.geometry;
    this.points.visible = positions !== null && positions.length >= 3;
    old.dispose();
  }

  /** How many samples are drawn. */
  get count(): number {
    return this.points.visible ? (this.geometry.getAttribute('position')?.count ?? 0) : 0;
  }

  setTheme(dark: boolean): void {
    // Given as the bytes drawn (as the points' colours are), not converted from sRGB.
    (this.material.uniforms.color!.value as THREE.Color).setHex(dark ? PRIOR_COLOUR.dark : PRIOR_COLOUR.light, THREE.LinearSRGBColorSpace);
  }

  setPixelRatio(ratio: number): void {
    this.material.uniforms.size!.value = RING_PX * ratio;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}

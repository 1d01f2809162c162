import * as THREE from 'three';
import type { PointBuffers } from './buffers.js';
import type { CameraRig } from './camera-rig.js';
import { rayPlanePoint, type Vec3 } from './picking.js';
import { ScreenIndex } from './screen-index.js';

/**
 * Between the scene and the canvas: where a scene point is drawn, which
 * scene point a client pixel means, and the visible points on screen,
 * indexed, made again only when the camera, the canvas's size or the points
 * have changed since the last index.
 */
export class ScreenMap {
  private screen: { key: string; index: ScreenIndex } | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly rig: CameraRig,
  ) {}

  /** What the screen index depends on: the points' `version`, the canvas's size and the camera. */
  key(version: number): string {
    const rect = this.canvas.getBoundingClientRect();
    return `${version} ${rect.width} ${rect.height} ${this.rig.viewProjection().elements.join(' ')}`;
  }

  /** The visible points on screen; `version` changes whenever their positions or visibility do. */
  index(buffers: PointBuffers, version: number): ScreenIndex {
    const key = this.key(version);
    if (this.screen?.key !== key) {
      const rect = this.canvas.getBoundingClientRect();
      const viewProj = this.rig.viewProjection().elements;
      this.screen = { key, index: new ScreenIndex(buffers.position, buffers.visible, viewProj, rect.width, rect.height) };
    }
    return this.screen.index;
  }

  /** The canvas's size in CSS px. */
  size(): { width: number; height: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { width: rect.width, height: rect.height };
  }

  /** A client point in CSS pixels from the canvas's top left. */
  local(clientX: number, clientY: number): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    return [clientX - rect.left, clientY - rect.top];
  }

  /** Where a scene point is drawn, in client pixels. */
  clientOf(v: THREE.Vector3): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    const p = v.clone().project(this.rig.camera);
    return { x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height };
  }

  /** The scene point under the cursor on the plane through the orbit target facing the camera. */
  planePoint(clientX: number, clientY: number): Vec3 | null {
    const rect = this.canvas.getBoundingClientRect();
    const { origin, direction } = this.rig.ray(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    return rayPlanePoint(origin, direction, this.rig.controls.target.toArray() as Vec3, this.rig.facing());
  }
}

import * as THREE from 'three';
import type { Vec3 } from './picking.js';

function sphere(color: number): THREE.Mesh {
  const m = new THREE.Mesh(new THREE.SphereGeometry(1, 16, 12), new THREE.MeshBasicMaterial({ color, wireframe: true }));
  m.visible = false;
  return m;
}

/**
 * What the scatter draws over the points: the axes, the decode marker, a ring
 * round the selected point and an interpolation path. Sized to the cloud, so
 * they read the same at any zoom.
 */
export class Overlays {
  readonly axes = new THREE.AxesHelper(1);
  readonly marker = sphere(0xe11d48);
  readonly selection = sphere(0x111111);
  readonly path = new THREE.Line(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0xe11d48 }));

  constructor(scene: THREE.Scene) {
    (this.axes.material as THREE.Material).transparent = true;
    (this.axes.material as THREE.Material).opacity = 0.5;
    this.path.visible = false;
    this.path.frustumCulled = false;
    scene.add(this.axes, this.marker, this.selection, this.path);
  }

  /** Scales the overlays to a cloud of this radius. */
  fit(radius: number): void {
    this.axes.scale.setScalar(radius * 0.5);
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
    if (positions) this.path.geometry.setAttribute('position', new THREE.BufferAttribute(positions.slice(), 3));
  }

  /** Rings the point at `at`, or hides the ring. */
  setSelected(at: Vec3 | null): void {
    this.selection.visible = at !== null;
    if (at) this.selection.position.set(...at);
  }

  dispose(): void {
    for (const o of [this.marker, this.selection, this.path]) {
      o.geometry.dispose();
      (o.material as THREE.Material).dispose();
    }
    this.axes.dispose();
  }
}

import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { Vec3 } from './picking.js';

/** The camera's place and the point it looks at, in scene units. */
export interface Pose {
  position: Vec3;
  target: Vec3;
}

/**
 * The scatter's camera and its orbit controls: framing a cloud, orbiting and
 * zooming from the keyboard, a saved pose, and whether the camera follows the
 * data (until the user's first orbit or zoom).
 */
export class CameraRig {
  readonly camera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  readonly controls: OrbitControls;
  /** While true, every update reframes the camera; the user's first orbit or zoom ends it. */
  following = true;

  constructor(dom: HTMLElement, changed: () => void) {
    this.controls = new OrbitControls(this.camera, dom);
    this.controls.addEventListener('change', changed);
    this.controls.addEventListener('start', () => (this.following = false));
  }

  /** Fits a sphere round `center` in view; keeps the viewing direction unless `fromDefault` (front for 2 scene dims, oblique for 3). */
  frame(center: THREE.Vector3, radius: number, dim: number, fromDefault: boolean): void {
    const dist = (radius / Math.sin((this.camera.fov * Math.PI) / 360)) * 1.05;
    const current = new THREE.Vector3().subVectors(this.camera.position, this.controls.target);
    const dir =
      !fromDefault && current.lengthSq() > 0 ? current.normalize() : dim >= 3 ? new THREE.Vector3(1, 0.8, 1.2).normalize() : new THREE.Vector3(0, 0, 1);
    this.controls.target.copy(center);
    this.camera.position.copy(center).addScaledVector(dir, dist);
    this.fitDepth(dist, radius);
    this.controls.update();
  }

  /** Near and far planes for a camera `dist` from the target of a cloud of this radius. */
  private fitDepth(dist: number, radius: number): void {
    this.camera.near = dist / 100;
    this.camera.far = Math.max(dist * 10, (dist + radius) * 2);
    this.camera.updateProjectionMatrix();
  }

  pose(): Pose {
    return { position: this.camera.position.toArray() as Vec3, target: this.controls.target.toArray() as Vec3 };
  }

  /** Puts the camera where a pose had it, for a cloud of this radius; it no longer follows the data. */
  setPose(p: Pose, radius: number): void {
    this.following = false;
    this.controls.target.set(...p.target);
    this.camera.position.set(...p.position);
    this.fitDepth(Math.max(1e-6, this.camera.position.distanceTo(this.controls.target)), radius);
    this.controls.update();
  }

  /** Rotates the camera a little about the target (keyboard orbiting). */
  orbit(dAzimuth: number, dPolar: number): void {
    this.following = false;
    const offset = new THREE.Vector3().subVectors(this.camera.position, this.controls.target);
    const sph = new THREE.Spherical().setFromVector3(offset);
    sph.theta += dAzimuth;
    sph.phi = Math.min(Math.PI - 0.01, Math.max(0.01, sph.phi + dPolar));
    offset.setFromSpherical(sph);
    this.camera.position.copy(this.controls.target).add(offset);
    this.controls.update();
  }

  zoom(factor: number): void {
    this.following = false;
    const offset = new THREE.Vector3().subVectors(this.camera.position, this.controls.target).multiplyScalar(factor);
    this.camera.position.copy(this.controls.target).add(offset);
    this.controls.update();
  }

  /** Whether a left drag orbits; when it does not (a box or lasso), the wheel still zooms and a right drag pans. */
  leftDragOrbits(on: boolean): void {
    this.controls.mouseButtons.LEFT = on ? THREE.MOUSE.ROTATE : null;
    this.controls.touches.ONE = on ? THREE.TOUCH.ROTATE : null;
  }

  setAspect(aspect: number): void {
    this.camera.aspect = aspect;
    this.camera.updateProjectionMatrix();
  }

  /** Projection × view, as it stands now. */
  viewProjection(): THREE.Matrix4 {
    this.camera.updateMatrixWorld();
    return new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse);
  }

  /** The ray through a point of the view (normalised device coordinates). */
  ray(ndcX: number, ndcY: number): { origin: Vec3; direction: Vec3 } {
    const rc = new THREE.Raycaster();
    rc.setFromCamera(new THREE.Vector2(ndcX, ndcY), this.camera);
    return { origin: rc.ray.origin.toArray() as Vec3, direction: rc.ray.direction.toArray() as Vec3 };
  }

  /** The unit vector the camera looks along. */
  facing(): Vec3 {
    return new THREE.Vector3().subVectors(this.controls.target, this.camera.position).normalize().toArray() as Vec3;
  }

  dispose(): void {
    this.controls.dispose();
  }
}

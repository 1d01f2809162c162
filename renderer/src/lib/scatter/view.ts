import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { bounds, type PointBuffers } from './buffers.js';
import { nearestToRay, rayPlanePoint, type Vec3 } from './picking.js';
import { pointsMaterial } from './shaders.js';
import { Overlays } from './overlays.js';

export interface ScatterEvents {
  /** The pointer is over a point (index), or over none (-1). */
  hover(index: number, clientX: number, clientY: number): void;
  /** A point was clicked (with shift held: the second end of an interpolation). */
  pickPoint(index: number, shift: boolean): void;
  /** Empty space was clicked, or the marker dragged: the scene point on the plane facing the camera. */
  pickSpace(point: Vec3, dragging: boolean): void;
}

/**
 * The latent scatter: one THREE.Points with position, colour and visibility
 * attributes and a small shader, drawn only when something changes. Plain
 * TypeScript, so Svelte only mounts and tears it down.
 */
export class ScatterView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  private readonly controls: OrbitControls;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material = pointsMaterial(window.devicePixelRatio);
  private readonly points = new THREE.Points(this.geometry, this.material);
  private readonly overlays = new Overlays(this.scene);
  private readonly resize: ResizeObserver;
  private buffers: PointBuffers | null = null;
  private frame = 0;
  /** While true, every update reframes the camera; the user's first orbit or zoom ends it. */
  private following = true;
  private dim = 3;
  private down: { x: number; y: number; onMarker: boolean } | null = null;
  private dragging = false;
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
    this.points.frustumCulled = false;
    this.scene.add(this.points);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.addEventListener('change', () => this.requestRender());
    this.controls.addEventListener('start', () => (this.following = false));
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
      const onMarker = this.overlays.marker.visible && this.nearMarker(e.clientX, e.clientY);
      this.down = { x: e.clientX, y: e.clientY, onMarker };
      if (onMarker) {
        this.dragging = true;
        this.controls.enabled = false;
        el.setPointerCapture(e.pointerId);
      }
    });
    on('pointermove', (e) => {
      if (this.dragging) {
        const p = this.planePoint(e.clientX, e.clientY);
        if (p) {
          this.setMarker(p);
          this.events.pickSpace(p, true);
        }
        return;
      }
      if (e.buttons === 0) this.events.hover(this.pick(e.clientX, e.clientY), e.clientX, e.clientY);
    });
    on('pointerup', (e) => {
      const d = this.down;
      this.down = null;
      if (this.dragging) {
        this.dragging = false;
        this.controls.enabled = true;
        // Where the marker was let go: decoded once more, no longer following.
        const p = this.planePoint(e.clientX, e.clientY);
        if (p) {
          this.setMarker(p);
          this.events.pickSpace(p, false);
        }
        return;
      }
      if (!d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > 4) return; // an orbit, not a click
      const i = this.pick(e.clientX, e.clientY);
      if (i >= 0) {
        this.events.pickPoint(i, e.shiftKey);
      } else if (this.spaceDecoding) {
        const p = this.planePoint(e.clientX, e.clientY);
        if (p) {
          this.setMarker(p);
          this.events.pickSpace(p, false);
        }
      }
    });
    on('pointerleave', () => this.events.hover(-1, 0, 0));
  }

  setTheme(dark: boolean): void {
    this.renderer.setClearColor(dark ? 0x16181d : 0xfafafa, 1);
    this.requestRender();
  }

  /**
   * Replaces the points. Until the user moves the camera, each update frames
   * the cloud, so a latent space that grows while training stays in view.
   */
  setPoints(buffers: PointBuffers, dim: number): void {
    const count = buffers.position.length / 3;
    const old = this.geometry.getAttribute('position');
    if (!old || old.count !== count) {
      this.geometry.setAttribute('position', new THREE.BufferAttribute(buffers.position, 3));
      this.geometry.setAttribute('pcolor', new THREE.BufferAttribute(buffers.color, 3));
      this.geometry.setAttribute('visible', new THREE.BufferAttribute(buffers.visible, 1));
    } else {
      for (const [name, arr] of [
        ['position', buffers.position],
        ['pcolor', buffers.color],
        ['visible', buffers.visible],
      ] as const) {
        const attr = this.geometry.getAttribute(name) as THREE.BufferAttribute;
        (attr.array as Float32Array).set(arr);
        attr.needsUpdate = true;
      }
    }
    this.geometry.setDrawRange(0, count);
    this.buffers = buffers;
    if (this.following && count > 0) this.frameAll(dim, this.dim !== dim);
    this.dim = dim;
    this.requestRender();
  }

  /** Draws and picks nothing until the next points: those of a replaced model mean nothing for the new one. */
  clearPoints(): void {
    this.buffers = null;
    this.geometry.setDrawRange(0, 0);
    this.requestRender();
  }

  /** Follows the data again (after a new model, or Reset view). */
  follow(): void {
    this.following = true;
  }

  /** Frames all points from the default direction (front for 1 and 2 dims, oblique for 3) and follows the data again. */
  resetView(dim = this.dim): void {
    this.following = true;
    this.frameAll(dim, true);
  }

  /** Fits all points in view; keeps the viewing direction unless `fromDefault`. */
  private frameAll(dim: number, fromDefault: boolean): void {
    const { center, radius } = this.buffers ? bounds(this.buffers.position) : { center: [0, 0, 0] as Vec3, radius: 3 };
    const dist = (radius / Math.sin((this.camera.fov * Math.PI) / 360)) * 1.05;
    const current = new THREE.Vector3().subVectors(this.camera.position, this.controls.target);
    const dir =
      !fromDefault && current.lengthSq() > 0 ? current.normalize() : dim >= 3 ? new THREE.Vector3(1, 0.8, 1.2).normalize() : new THREE.Vector3(0, 0, 1);
    this.controls.target.set(...center);
    this.camera.position.set(center[0] + dir.x * dist, center[1] + dir.y * dist, center[2] + dir.z * dist);
    this.camera.near = dist / 100;
    this.camera.far = dist * 10;
    this.camera.updateProjectionMatrix();
    this.overlays.fit(radius);
    this.controls.update();
    this.requestRender();
  }

  setMarker(p: Vec3 | null): void {
    this.overlays.setMarker(p);
    this.requestRender();
  }

  /** Draws a path through scene points (an interpolation), or hides it. */
  setPath(positions: Float32Array | null): void {
    this.overlays.setPath(positions);
    this.requestRender();
  }

  setSelected(index: number | null): void {
    const pos = this.buffers?.position;
    const shown = index !== null && !!pos && index * 3 < pos.length;
    this.overlays.setSelected(shown ? [pos[index * 3]!, pos[index * 3 + 1]!, pos[index * 3 + 2]!] : null);
    this.requestRender();
  }

  private ray(clientX: number, clientY: number): { origin: Vec3; direction: Vec3 } {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    const rc = new THREE.Raycaster();
    rc.setFromCamera(ndc, this.camera);
    return { origin: rc.ray.origin.toArray() as Vec3, direction: rc.ray.direction.toArray() as Vec3 };
  }

  /** World units per screen pixel at the orbit target's distance. */
  private worldPerPixel(): number {
    const dist = this.camera.position.distanceTo(this.controls.target);
    return (2 * dist * Math.tan((this.camera.fov * Math.PI) / 360)) / Math.max(1, this.renderer.domElement.clientHeight);
  }

  /** The index of the point under the cursor, or -1. */
  pick(clientX: number, clientY: number): number {
    if (!this.buffers) return -1;
    const { origin, direction } = this.ray(clientX, clientY);
    return nearestToRay(this.buffers.position, this.buffers.visible, origin, direction, 5 * this.worldPerPixel());
  }

  /** The point under the cursor on the plane through the orbit target facing the camera. */
  planePoint(clientX: number, clientY: number): Vec3 | null {
    const { origin, direction } = this.ray(clientX, clientY);
    const normal = new THREE.Vector3().subVectors(this.controls.target, this.camera.position).normalize().toArray() as Vec3;
    return rayPlanePoint(origin, direction, this.controls.target.toArray() as Vec3, normal);
  }

  private nearMarker(clientX: number, clientY: number): boolean {
    const s = this.screenOf(this.overlays.marker.position);
    return Math.hypot(s.x - clientX, s.y - clientY) < 14;
  }

  private screenOf(v: THREE.Vector3): { x: number; y: number } {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const p = v.clone().project(this.camera);
    return { x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height };
  }

  /** Where point i is drawn, in client pixels (for keyboard focus rings and automation). */
  screenPosition(i: number): { x: number; y: number } | null {
    const pos = this.buffers?.position;
    if (!pos || i * 3 >= pos.length) return null;
    return this.screenOf(new THREE.Vector3(pos[i * 3]!, pos[i * 3 + 1]!, pos[i * 3 + 2]!));
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

  private fitSize(): void {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = '100%';
    this.renderer.domElement.style.height = '100%';
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
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
    this.renderer.render(this.scene, this.camera);
  }

  /**
   * The view drawn again at `scale` times its pixels (points scaled with it),
   * copied onto a canvas of its own, then drawn back as it was: the picture a
   * publishable export starts from.
   */
  renderAt(scale: number): HTMLCanvasElement {
    const ratio = this.renderer.getPixelRatio();
    const size = this.renderer.getSize(new THREE.Vector2());
    const uniform = this.material.uniforms.pixelRatio!;
    const set = (r: number) => {
      this.renderer.setPixelRatio(r);
      this.renderer.setSize(size.x, size.y, false);
      uniform.value = r;
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
    this.controls.dispose();
    this.geometry.dispose();
    this.material.dispose();
    this.overlays.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }
}

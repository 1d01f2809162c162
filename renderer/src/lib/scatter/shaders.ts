import * as THREE from 'three';

// The points' shaders: each point a disc in its label colour, sized by depth
// and by the style's multiplier (and, per point, by its uncertainty), as
// opaque as the style says. Hidden classes get no size and are discarded.
//
// With a selection the points are drawn in two passes over the same
// geometry: the rest faded, then the chosen ones at full colour and a little
// larger. `pass` says which: 0 every point, 1 the rest (faded), 2 the chosen.

const VERTEX = /* glsl */ `
attribute vec3 pcolor;
attribute float visible;
attribute float psize;
attribute float palpha;
attribute float chosen;
uniform float pointSize;
uniform float pixelRatio;
uniform float opacity;
uniform float fade;
uniform float pass;
varying vec3 vColor;
varying float vAlpha;
void main() {
  bool inPass = pass < 0.5 || (pass < 1.5 ? chosen < 0.5 : chosen > 0.5);
  bool shown = visible > 0.5 && inPass;
  vColor = pcolor;
  vAlpha = shown ? opacity * palpha * (pass > 0.5 && pass < 1.5 ? fade : 1.0) : 0.0;
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  float base = clamp(pixelRatio * 6.0 / -mv.z, 2.0 * pixelRatio, 14.0 * pixelRatio);
  gl_PointSize = shown ? base * pointSize * psize * (pass > 1.5 ? 1.4 : 1.0) : 0.0;
}`;

const FRAGMENT = /* glsl */ `
varying vec3 vColor;
varying float vAlpha;
void main() {
  if (vAlpha <= 0.0) discard;
  vec2 c = gl_PointCoord - vec2(0.5);
  if (dot(c, c) > 0.25) discard;
  gl_FragColor = vec4(vColor, vAlpha);
}`;

/** Which points a material draws: all of them, the unchosen (faded), or the chosen. */
export type PointsPass = 'all' | 'rest' | 'chosen';

const PASS: Record<PointsPass, number> = { all: 0, rest: 1, chosen: 2 };

/** The points' material, for a screen of this device pixel ratio. */
export function pointsMaterial(pixelRatio: number, pass: PointsPass = 'all'): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    uniforms: {
      pointSize: { value: 1 },
      pixelRatio: { value: pixelRatio },
      opacity: { value: 1 },
      fade: { value: 0.15 },
      pass: { value: PASS[pass] },
    },
  });
}

/** Switches a points material between drawing all, the rest or the chosen. */
export function setPass(material: THREE.ShaderMaterial, pass: PointsPass): void {
  material.uniforms.pass!.value = PASS[pass];
}

/**
 * Blends when anything drawn is translucent, without writing depth (a faint
 * point must not hide the ones behind it); draws opaque, as before, otherwise.
 */
export function setTranslucent(material: THREE.ShaderMaterial, translucent: boolean): void {
  if (material.transparent === translucent) return;
  material.transparent = translucent;
  material.depthWrite = !translucent;
  material.needsUpdate = true;
}

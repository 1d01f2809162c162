import * as THREE from 'three';

// The points' shaders: each point a disc in its label colour, sized by depth;
// hidden classes get no size and are discarded.

const VERTEX = /* glsl */ `
attribute vec3 pcolor;
attribute float visible;
uniform float pointSize;
uniform float pixelRatio;
varying vec3 vColor;
varying float vVisible;
void main() {
  vColor = pcolor;
  vVisible = visible;
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  gl_PointSize = visible > 0.5 ? clamp(pointSize * pixelRatio * 6.0 / -mv.z, 2.0 * pixelRatio, 14.0 * pixelRatio) : 0.0;
}`;

const FRAGMENT = /* glsl */ `
varying vec3 vColor;
varying float vVisible;
void main() {
  if (vVisible < 0.5) discard;
  vec2 c = gl_PointCoord - vec2(0.5);
  if (dot(c, c) > 0.25) discard;
  gl_FragColor = vec4(vColor, 1.0);
}`;

/** The points' material, for a screen of this device pixel ratio. */
export function pointsMaterial(pixelRatio: number): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    uniforms: { pointSize: { value: 1 }, pixelRatio: { value: pixelRatio } },
  });
}

import * as THREE from 'three';

// Thumbnails drawn in place of points: each a square sprite reading its own
// cell of the atlas (`cell`, the cell's corner in texture coordinates),
// framed by a thin border in its label colour so that classes still read.
// Row 0 of an image sits at the cell's low v, and gl_PointCoord.y runs down
// the sprite, so the image's top is drawn at the top.

const VERTEX = /* glsl */ `
attribute vec3 pcolor;
attribute vec2 cell;
attribute float fade;
uniform float size;
varying vec3 vColor;
varying vec2 vCell;
varying float vFade;
void main() {
  vColor = pcolor;
  vCell = cell;
  vFade = fade;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  gl_PointSize = size;
}`;

const FRAGMENT = /* glsl */ `
uniform sampler2D atlas;
uniform float cellUv;
uniform float inset;
uniform float border;
varying vec3 vColor;
varying vec2 vCell;
varying float vFade;
void main() {
  vec2 p = gl_PointCoord;
  if (p.x < border || p.x > 1.0 - border || p.y < border || p.y > 1.0 - border) {
    gl_FragColor = vec4(vColor, vFade);
    return;
  }
  // Half a texel in from the cell's edge, so filtering never reads the next cell.
  vec2 q = clamp((p - border) / (1.0 - 2.0 * border), inset, 1.0 - inset);
  gl_FragColor = vec4(texture2D(atlas, vCell + q * cellUv).rgb, vFade);
}`;

/**
 * The thumbnails' material over an atlas texture. Opaque, but drawn with the
 * translucent things so that it comes after the dots whatever their style:
 * a faded dot must not show through its own thumbnail.
 */
export function thumbnailMaterial(): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    transparent: true,
    uniforms: {
      atlas: { value: null },
      cellUv: { value: 1 },
      inset: { value: 0 },
      border: { value: 0 },
      size: { value: 32 },
    },
  });
}

// The prior's samples: hollow rings of one grey, faint, so the encoded
// points stay the picture and the rings read as "the prior was here".
const PRIOR_VERTEX = /* glsl */ `
uniform float size;
void main() {
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  gl_PointSize = size;
}`;

const PRIOR_FRAGMENT = /* glsl */ `
uniform vec3 color;
uniform float opacity;
uniform float inner;
void main() {
  vec2 c = gl_PointCoord - vec2(0.5);
  float r2 = dot(c, c);
  if (r2 > 0.25 || r2 < inner) discard;
  gl_FragColor = vec4(color, opacity);
}`;

/** The prior samples' material: translucent rings that write no depth (they hide nothing behind them). */
export function priorMaterial(): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader: PRIOR_VERTEX,
    fragmentShader: PRIOR_FRAGMENT,
    transparent: true,
    depthWrite: false,
    uniforms: {
      color: { value: new THREE.Color() },
      opacity: { value: 0.6 },
      inner: { value: 0.08 },
      size: { value: 7 },
    },
  });
}

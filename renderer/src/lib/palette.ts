/** Ten distinguishable label colours (Tableau 10), as 0..1 RGB and CSS. */
export const PALETTE: [number, number, number][] = [
  [0.122, 0.467, 0.706],
  [1.0, 0.498, 0.055],
  [0.173, 0.627, 0.173],
  [0.839, 0.153, 0.157],
  [0.58, 0.404, 0.741],
  [0.549, 0.337, 0.294],
  [0.89, 0.467, 0.761],
  [0.498, 0.498, 0.498],
  [0.737, 0.741, 0.133],
  [0.09, 0.745, 0.812],
];

export function labelColor(label: number): [number, number, number] {
  return PALETTE[((label % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

export function labelCss(label: number): string {
  const [r, g, b] = labelColor(label);
  return `rgb(${Math.round(r * 255)} ${Math.round(g * 255)} ${Math.round(b * 255)})`;
}

/** What a published scatter says about itself: a title, a subtitle, and one legend entry per class shown. */
export interface Caption {
  title: string;
  subtitle: string;
  legend: { label: string; colour: string }[];
}

/**
 * A scatter fit to put in a paper: the view at `picture`'s resolution with
 * a title and subtitle above it and the classes' legend below, on the page's
 * background, text scaled with the picture.
 */
export function compose(
  picture: HTMLCanvasElement,
  caption: Caption,
  scale: number,
  theme: { background: string; text: string; muted: string },
): HTMLCanvasElement {
  const pad = 12 * scale;
  const titleSize = 16 * scale;
  const textSize = 12 * scale;
  const swatch = 10 * scale;
  const ctx0 = document.createElement('canvas').getContext('2d')!;
  ctx0.font = `${textSize}px sans-serif`;
  // The legend flows in rows as wide as the picture.
  const rows: { label: string; colour: string; x: number }[][] = [[]];
  let x = pad;
  for (const entry of caption.legend) {
    const w = swatch + 6 * scale + ctx0.measureText(entry.label).width + 14 * scale;
    if (x + w > picture.width - pad && rows.at(-1)!.length > 0) {
      rows.push([]);
      x = pad;
    }
    rows.at(-1)!.push({ ...entry, x });
    x += w;
  }
  const head = pad + titleSize + 6 * scale + textSize + pad;
  const legendHeight = caption.legend.length > 0 ? rows.length * (textSize + 8 * scale) + pad : 0;
  const out = document.createElement('canvas');
  out.width = picture.width;
  out.height = head + picture.height + legendHeight;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'top';
  ctx.fillStyle = theme.text;
  ctx.font = `bold ${titleSize}px sans-serif`;
  ctx.fillText(caption.title, pad, pad);
  ctx.fillStyle = theme.muted;
  ctx.font = `${textSize}px sans-serif`;
  ctx.fillText(caption.subtitle, pad, pad + titleSize + 6 * scale);
  ctx.drawImage(picture, 0, head);
  rows.forEach((row, r) => {
    const y = head + picture.height + pad / 2 + r * (textSize + 8 * scale);
    for (const e of row) {
      ctx.fillStyle = e.colour;
      ctx.fillRect(e.x, y + (textSize - swatch) / 2, swatch, swatch);
      ctx.fillStyle = theme.text;
      ctx.fillText(e.label, e.x + swatch + 6 * scale, y);
    }
  });
  return out;
}

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pointInPolygon from 'point-in-polygon';
import type { Page } from 'playwright-core';
import type { ScatterHook } from '../../renderer/src/lib/scatter/test-hook.js';
import { clickablePoint, labelColourCounts, openApp, startTrained, type AppUnderTest } from './browser.js';

// The scatter's own tools in the browser mode: box and lasso selection on
// the points' places on screen, the selection highlighted, the point style,
// and axes drawn into the picture. Screenshots land in test-output/.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let count = 0;

type Hooked = Window & { latentExplorerScatter: ScatterHook };
type Box = { x0: number; y0: number; x1: number; y1: number };

before(async () => {
  mkdirSync(OUT, { recursive: true });
  ({ app, count } = await startTrained(OUT));
  page = app.page;
});

after(async () => {
  await app?.close();
});

/** Where every point is drawn, in client pixels. */
function screenPositions(): Promise<{ x: number; y: number }[]> {
  return page.evaluate((n) => {
    const v = (window as unknown as Hooked).latentExplorerScatter;
    return Array.from({ length: n }, (_, i) => v.screenPosition(i)!);
  }, count);
}

const highlighted = () => page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.highlightedCount);

/** The canvas's box on the page, and a box of it given as fractions of its width and height. */
async function canvasBox(fx0: number, fy0: number, fx1: number, fy1: number): Promise<Box> {
  const b = (await page.locator('[data-testid=scatter-canvas]').boundingBox())!;
  return {
    x0: Math.round(b.x + b.width * fx0),
    y0: Math.round(b.y + b.height * fy0),
    x1: Math.round(b.x + b.width * fx1),
    y1: Math.round(b.y + b.height * fy1),
  };
}

/** Drags from corner to corner, holding a modifier if asked. */
async function drag(points: [number, number][], modifier?: 'Shift' | 'Alt'): Promise<void> {
  if (modifier) await page.keyboard.down(modifier);
  await page.mouse.move(...points[0]!);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...p, { steps: 12 });
  await page.mouse.up();
  if (modifier) await page.keyboard.up(modifier);
  await page.waitForTimeout(100);
}

const dragBox = (b: Box, modifier?: 'Shift' | 'Alt') =>
  drag(
    [
      [b.x0, b.y0],
      [b.x1, b.y1],
    ],
    modifier,
  );

function rowsInBox(pos: { x: number; y: number }[], b: Box): Set<number> {
  const rows = new Set<number>();
  pos.forEach((p, i) => {
    if (p.x >= b.x0 && p.x <= b.x1 && p.y >= b.y0 && p.y <= b.y1) rows.add(i);
  });
  return rows;
}

test('the axes carry nice tick numbers and the projection’s axis names, drawn into the saved picture', async () => {
  const pts = await app.engine.latentPoints({});
  const texts = await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.axisTexts());
  for (const name of pts.projection.axisNames) assert.ok(texts.includes(name), `${name} in ${texts.join(' ')}`);
  const ticks = texts.filter((t) => !pts.projection.axisNames.includes(t)).map((t) => Number(t.replace('\u2212', '-')));
  assert.ok(ticks.length >= 8 && ticks.every((t) => Number.isFinite(t)), `ticks: ${texts.join(' ')}`);
  // Each axis's ticks span the points' range on it (z's first, at the corner the axes share, goes unnumbered).
  for (let a = 0; a < 3; a++) {
    const values = Array.from({ length: pts.count }, (_, i) => pts.positions[i * 3 + a]!);
    const name = pts.projection.axisNames[a]!;
    const from = a === 0 ? 0 : texts.indexOf(pts.projection.axisNames[a - 1]!) + 1;
    const own = texts.slice(from, texts.indexOf(name)).map((t) => Number(t.replace('\u2212', '-')));
    const step = own[1]! - own[0]!;
    const lo = a === 2 ? own[0]! - step : own[0]!;
    assert.ok(lo <= Math.min(...values) && own.at(-1)! >= Math.max(...values), `${name}: ticks ${own.join(', ')}`);
  }
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-axes.png') });
  // The 2× export holds the axes (they are in the scene, not laid over it).
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=scatter-publish]')]);
  copyFileSync((await download.path())!, path.join(OUT, 'scatter-tools-publish@2x.png'));
});

test('O, B and L on the scatter choose the tool; the buttons say which is on', async () => {
  await page.focus('[data-testid=scatter]');
  await page.keyboard.press('b');
  assert.equal(await page.getAttribute('[data-testid=tool-box]', 'aria-pressed'), 'true');
  assert.equal(await page.getAttribute('[data-testid=tool-orbit]', 'aria-pressed'), 'false');
  await page.keyboard.press('l');
  assert.equal(await page.getAttribute('[data-testid=tool-lasso]', 'aria-pressed'), 'true');
  await page.keyboard.press('o');
  assert.equal(await page.getAttribute('[data-testid=tool-orbit]', 'aria-pressed'), 'true');
  assert.match((await page.getAttribute('[data-testid=tool-box]', 'title'))!, /Shift.*add.*Alt.*remove/);
});

test('a box selects the points drawn inside it; Shift adds a second box, Alt takes a third out; Escape cancels', async () => {
  await page.click('[data-testid=tool-box]');
  const pos = await screenPositions();
  const before = await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.pose());
  const b1 = await canvasBox(0.3, 0.3, 0.55, 0.6);
  await dragBox(b1);
  const first = rowsInBox(pos, b1);
  assert.ok(first.size > 10 && first.size < count, `${first.size} points in the box`);
  assert.equal(await highlighted(), first.size);
  // The drag drew a box; it did not orbit.
  assert.deepEqual(await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.pose()), before);
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-box.png') });

  const b2 = await canvasBox(0.5, 0.45, 0.75, 0.75);
  await dragBox(b2, 'Shift');
  const union = new Set([...first, ...rowsInBox(pos, b2)]);
  assert.ok(union.size > first.size);
  assert.equal(await highlighted(), union.size, 'Shift adds');

  const b3 = await canvasBox(0.4, 0.4, 0.6, 0.55);
  await dragBox(b3, 'Alt');
  const out = rowsInBox(pos, b3);
  const rest = [...union].filter((r) => !out.has(r));
  assert.ok(rest.length < union.size);
  assert.equal(await highlighted(), rest.length, 'Alt removes');

  // Escape during a drag: no box, the selection stays.
  const b4 = await canvasBox(0.1, 0.1, 0.9, 0.9);
  await page.mouse.move(b4.x0, b4.y0);
  await page.mouse.down();
  await page.mouse.move(b4.x1, b4.y1, { steps: 8 });
  assert.equal(await page.locator('[data-testid=scatter-region]').isVisible(), true, 'the box shows while dragging');
  await page.keyboard.press('Escape');
  await page.mouse.up();
  assert.equal(await page.locator('[data-testid=scatter-region]').isVisible(), false);
  assert.equal(await highlighted(), rest.length);
});

test('a lasso selects the points drawn inside it', async () => {
  await page.click('[data-testid=tool-lasso]');
  const pos = await screenPositions();
  const b = await canvasBox(0.25, 0.2, 0.75, 0.8);
  const triangle: [number, number][] = [
    [b.x0, b.y1],
    [b.x1, b.y1],
    [Math.round((b.x0 + b.x1) / 2), b.y0],
  ];
  await drag(triangle);
  const inside = pos.filter((p) => pointInPolygon([p.x, p.y], triangle)).length;
  assert.ok(inside > 10 && inside < count, `${inside} points in the triangle`);
  // The box round the triangle holds more: the lasso is not its bounding box.
  assert.ok(rowsInBox(pos, { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 }).size > inside);
  assert.equal(await highlighted(), inside);
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-lasso.png') });
});

test('a click with the box tool still picks the point under it', async () => {
  await page.click('[data-testid=tool-box]');
  const target = await clickablePoint(page, 0, count);
  assert.ok(target);
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`), target.i);
});

test('point size, opacity and uncertainty change what is drawn', async () => {
  // A box round empty space chooses nothing: no selection, every point at full colour again.
  const corner = await canvasBox(0.005, 0.005, 0.05, 0.05);
  await dragBox(corner);
  assert.equal(await highlighted(), 0);
  await page.click('[data-testid=tool-orbit]');
  const coloured = async () => (await labelColourCounts(page)).reduce((a, b) => a + b, 0);
  const plain = await coloured();
  await page.click('[data-testid=style-menu] summary');
  await page.locator('[data-testid=style-size]').fill(String(Math.log10(3)));
  await page.waitForTimeout(200);
  const big = await coloured();
  assert.ok(big > plain * 1.5, `label-coloured pixels ${plain} → ${big} at 3× size`);
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-style-open.png') });
  await page.locator('[data-testid=style-size]').fill('0');
  await page.locator('[data-testid=style-opacity]').fill('0.3');
  await page.waitForTimeout(200);
  const faint = await coloured();
  assert.ok(faint < plain / 3, `label-coloured pixels ${plain} → ${faint} at 30% opacity`);
  await page.locator('[data-testid=style-opacity]').fill('1');
  await page.waitForTimeout(200);
  const again = await coloured();
  assert.ok(Math.abs(again - plain) <= plain * 0.02, `back at full opacity: ${plain} → ${again}`);
  const snap = () => page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.canvas.toDataURL());
  const before = await snap();
  await page.selectOption('[data-testid=style-uncertainty]', 'size');
  await page.waitForTimeout(200);
  assert.notEqual(await snap(), before, 'uncertainty as size redraws the points');
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-uncertainty.png') });
  await page.selectOption('[data-testid=style-uncertainty]', 'none');
  await page.waitForTimeout(200);
  assert.equal(await snap(), before, 'and none puts them back');
  await page.click('[data-testid=style-menu] summary');
});

test('the axes read in the dark theme too', async () => {
  const dark = await openApp(app.browser, app.server.url, 'dark');
  await dark.waitForFunction(() => ((window as unknown as Hooked).latentExplorerScatter?.axisTexts().length ?? 0) > 0);
  await dark.waitForTimeout(500);
  await dark.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-dark.png') });
  await dark.close();
});

test('points on a plane get two axes and are seen from the front', async () => {
  const texts = await page.evaluate(() => {
    const v = (window as unknown as Hooked).latentExplorerScatter;
    const n = 400;
    const position = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) position.set([Math.cos(i) * (i / 40), Math.sin(i) * (i / 80) + 20, 0], i * 3);
    v.setPoints({ position, color: new Float32Array(n * 3).fill(0.3), visible: new Float32Array(n).fill(1) }, 2);
    v.renderNow();
    return v.axisTexts();
  });
  assert.ok(texts.includes('x') && texts.includes('y') && !texts.includes('z'), texts.join(' '));
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-tools-plane.png') });
});

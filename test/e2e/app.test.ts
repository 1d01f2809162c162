import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { decodePng, toByte } from '../../src/io/png.js';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Client } from '../../src/rpc/client.js';
import { PALETTE } from '../../renderer/src/lib/palette.js';
import {
  answerConfirm,
  labelColourCounts,
  canvasBytes as canvasBytesOf,
  clickablePoint as clickablePointOf,
  openApp,
  startApp,
  type AppUnderTest,
  toBytes,
  trainFromForm,
  waitStatus as waitStatusOf,
} from './browser.js';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import type { NativeConfig } from '../../src/contract/shapes.js';

// The whole app in the browser mode: the real server and engine, Debian's
// Chromium driving the built renderer. Screenshots land in test-output/.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let browser: Browser;
let page: Page;
let engine: Client;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  ({ browser, page, engine } = app);
});

after(async () => {
  await app?.close();
});

async function status(): Promise<string> {
  return (await page.getAttribute('[data-testid=status]', 'data-status')) ?? '';
}

const waitStatus = (s: string, timeout?: number) => waitStatusOf(page, s, OUT, timeout);
const train = (epochs: number, limit: number) => trainFromForm(page, epochs, limit);

const colourCounts = () => labelColourCounts(page);
const clickablePoint = (from: number, count: number) => clickablePointOf(page, from, count);
const canvasBytes = (testid: string) => canvasBytesOf(page, testid);

test('invalid settings show a sentence beside the field and hold training, and a click on Train goes to the field', async () => {
  await page.fill('[data-testid=latent]', '0');
  assert.equal(await page.innerText('#latent-error'), 'Latent dims must be a whole number from 1 to 256.');
  assert.equal(await page.getAttribute('[data-testid=latent]', 'aria-describedby'), 'latent-error');
  assert.equal(await page.isDisabled('[data-testid=train]'), true);
  await page.fill('[data-testid=lr]', '5');
  assert.equal(await page.innerText('#lr-error'), 'The learning rate must be above 0 and at most 1.');
  // Marked disabled, not disabled: a click sends nothing, takes the focus to the first wrong field and says why.
  await page.click('[data-testid=train]', { force: true });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'latent');
  assert.match(await page.innerText('[data-testid=train-refused]'), /^2 settings need changing first/);
  await page.fill('[data-testid=latent]', '3');
  await page.fill('[data-testid=lr]', '0.001');
  assert.equal(await page.isDisabled('[data-testid=train]'), false);
  assert.equal(await page.$('[data-testid=train-refused]'), null);
});

test('train one epoch: the scatter fills with points in the label colours', async () => {
  await train(1, 3000);
  await waitStatus('done');
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('3 latent dims'));
  await page.waitForSelector('[data-testid=recon-strip]');
  await page.waitForTimeout(500);
  // How many latent dims are in use, as the engine measured it, one bar each.
  const health = (await engine.latentPoints({})).health;
  assert.match(await page.innerText('[data-testid=active-units]'), new RegExp(`^${health.activeUnits} of 3 dims active`));
  assert.equal(await page.locator('[data-testid=kl-bars] .bar').count(), 3);
  // The ten test images and their reconstructions sit in one row at 1280 px, not wrapped.
  const tops = await page.evaluate(() => [...document.querySelectorAll('[data-testid=recon-strip] > *')].map((e) => Math.round(e.getBoundingClientRect().top)));
  assert.equal(tops.length, 10);
  assert.equal(new Set(tops).size, 1, `pairs at ${tops.join(', ')}`);
  const counts = await colourCounts();
  const present = counts.filter((c) => c >= 20).length;
  assert.ok(present >= 6, `label colours seen: ${counts.join(', ')}`);
  await page.screenshot({ path: path.join(OUT, 'trained-light.png') });
  // Hiding a class through the legend removes its colour.
  await page.click('[data-testid=legend-1]');
  await page.waitForTimeout(300);
  const hidden = await colourCounts();
  assert.ok(hidden[1]! < counts[1]! / 5, `class 1 pixels: ${counts[1]} → ${hidden[1]}`);
  await page.click('[data-testid=legend-1]');
});

test("clicking a point shows the decoded mean, equal pixel for pixel to the engine's decode of that mean", async () => {
  const pts = await engine.latentPoints({});
  const target = await clickablePoint(0, pts.count);
  assert.ok(target, 'some point can be clicked');
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`), target.i);
  const z = pts.mean.slice(target.i * 3, target.i * 3 + 3);
  const decoded = await engine.decode({ z });
  const expected = toBytes(decoded.pixels);
  assert.deepEqual(await canvasBytes('decoded-mean'), expected);
  assert.match(await page.innerText('[data-testid=few-dims]'), /With only 3 latent dims, the code keeps the broad shape/, 'why the decodes are blurry');
  // Its nearest neighbours in latent space, nearest first, as the engine finds them; a click on one picks it.
  await page.waitForSelector('[data-testid=neighbours] canvas');
  const near = await engine.neighbours({ of: { index: target.i }, k: 8 });
  const shownLabels = (await page.locator('[data-testid=neighbours] figcaption').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(
    shownLabels,
    near.indices.map((n, i) => `#${n} · ${near.distances[i]!.toFixed(2)}`),
  );
  await page.screenshot({ path: path.join(OUT, 'point-decoded.png') });
});

test('hovering a point shows its image and label', async () => {
  const pts = await engine.latentPoints({});
  const spot = await clickablePoint(10, pts.count);
  assert.ok(spot);
  await page.mouse.move(spot.x - 30, spot.y - 30);
  await page.mouse.move(spot.x, spot.y);
  const label = pts.labels![spot.i]!;
  await page.waitForFunction((text) => document.querySelector('[data-testid=hover] figcaption')?.textContent === text, `#${spot.i}: ${label}`);
});

test('the controls are reachable from the keyboard, with a visible focus ring', async () => {
  await page.focus('[data-testid=scatter]');
  const before = await page.evaluate(() => (document.querySelector('[data-testid=scatter-canvas]') as HTMLCanvasElement).toDataURL());
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(200);
  const after = await page.evaluate(() => (document.querySelector('[data-testid=scatter-canvas]') as HTMLCanvasElement).toDataURL());
  assert.notEqual(after, before, 'arrow keys orbit the view');
  await page.focus('[data-testid=train]');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.equal(outline, 'solid');
});

test('clicking empty space decodes the point under the cursor; dragging the marker decodes continuously', async () => {
  const box = (await page.locator('[data-testid=scatter]').boundingBox())!;
  // A corner of the view, away from the cloud.
  const x = box.x + 40;
  const y = box.y + 40;
  const isEmpty = await page.evaluate(
    ([px, py]) => (window as unknown as { latentExplorerScatter: { pick(x: number, y: number): number } }).latentExplorerScatter.pick(px!, py!) < 0,
    [x, y],
  );
  assert.ok(isEmpty);
  await page.mouse.click(x, y);
  await page.waitForSelector('[data-testid=decoded-space]');
  const z1 = await page.innerText('[data-testid=space-z]');
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 60, y + 40, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction((before) => document.querySelector('[data-testid=space-z]')?.textContent !== before, z1);
  // Let go, the marker is no longer followed, and the panel says so, and how far it lies from the data.
  await page.waitForFunction(() => document.querySelector('[data-testid=space-title]')?.textContent === 'Latent point (at the marker)');
  await page.waitForSelector('[data-testid=space-nearest]');
  assert.match(await page.innerText('[data-testid=space-nearest]'), /^The nearest encoded test image, #\d+ \(\d\), lies \d+\.\d\d away in latent space/);
  const z2 = await page.innerText('[data-testid=space-z]');
  const parse = (s: string) =>
    s
      .replace(/[^-\d.,]/g, '')
      .split(',')
      .map(Number);
  const zs = parse(z2);
  assert.equal(zs.length, 3);
  const decoded = await engine.decode({ z: Float32Array.from(zs) });
  const shown = await canvasBytes('decoded-space');
  // The z text is rounded to 3 decimals, so compare loosely.
  const diff = shown.reduce((m, v, i) => Math.max(m, Math.abs(v - Math.round(decoded.pixels[i]! * 255))), 0);
  assert.ok(diff <= 8, `max pixel difference ${diff}`);
  await page.screenshot({ path: path.join(OUT, 'space-decoded.png') });
});

test("shift-click interpolates between two points; the downloaded PNG equals the engine's decode of the path", async () => {
  const pts = await engine.latentPoints({});
  const a = (await clickablePoint(0, pts.count))!;
  const b = (await clickablePoint(a.i + 200, pts.count))!;
  await page.mouse.click(a.x, a.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`), a.i);
  await page.keyboard.down('Shift');
  await page.mouse.click(b.x, b.y);
  await page.keyboard.up('Shift');
  await page.waitForSelector('[data-testid=explore-grid]:not([hidden])');
  assert.equal(await page.inputValue('[data-testid=explore-kind]'), 'interpolate');
  assert.deepEqual(
    [await page.inputValue('[data-testid=explore-from]'), await page.inputValue('[data-testid=explore-to]')],
    [String(a.i), String(b.i)],
    'the form shows the ends the clicks chose',
  );
  await page.screenshot({ path: path.join(OUT, 'explore-interpolation.png') });
  await page.selectOption('[data-testid=explore-scale]', '1');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=explore-download]')]);
  const png = decodePng(readFileSync((await download.path())!));
  const want = await engine.explore({ kind: 'interpolate', from: a.i, to: b.i, steps: 10, path: 'linear' });
  assert.equal(png.width, 10 * 29 - 1);
  assert.equal(png.height, 28);
  for (let t = 0; t < 10; t++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        assert.equal(png.data[y * png.width + t * 29 + x], toByte(want.images.pixels[t * 784 + y * 28 + x]!), `tile ${t} (${x}, ${y})`);
      }
    }
  }
});

test('explore views: traversal, prior samples with reseed, manifold grid, denoising with the deterministic/stochastic switch', async () => {
  const grid = () => page.evaluate(() => (document.querySelector('[data-testid=explore-grid]') as HTMLCanvasElement).toDataURL());
  for (const kind of ['traverse', 'prior', 'manifold', 'denoise']) {
    await page.selectOption('[data-testid=explore-kind]', kind);
    const before = await grid();
    await page.click('[data-testid=explore-show]');
    await page.waitForFunction((b) => (document.querySelector('[data-testid=explore-grid]') as HTMLCanvasElement).toDataURL() !== b, before);
    await page.screenshot({ path: path.join(OUT, `explore-${kind}.png`) });
    if (kind === 'manifold') {
      // A 12 × 12 grid in the main area, labelled with the z values of its columns and rows, every cell the same size, Download in view.
      const cols = (await page.innerText('[data-testid=col-labels]')).split('\n');
      const rows = (await page.innerText('[data-testid=row-labels]')).split('\n');
      assert.deepEqual([cols[0], cols[1], cols.at(-1)], ['z0 →', '−3.0', '3.0']);
      assert.equal(rows.length, 12);
      assert.deepEqual([rows[0], rows.at(-1)], ['z1 3.0', '−3.0']);
      const size = await page.evaluate(() => {
        const c = document.querySelector('[data-testid=explore-grid]') as HTMLCanvasElement;
        const area = c.closest('[data-testid=explore-result]')!.getBoundingClientRect();
        return { css: c.getBoundingClientRect().width, px: c.width, area: area.width };
      });
      assert.equal(size.css, size.px, 'drawn at its own size, not stretched by the page');
      assert.equal((size.px - 11) % 12, 0, 'twelve cells of one width and eleven 1-pixel gaps');
      assert.ok(size.px > 0.6 * size.area, `the grid fills the main area (${size.px} of ${size.area} px)`);
      assert.ok(await page.locator('[data-testid=explore-download]').isVisible());
      const box = (await page.locator('[data-testid=explore-download]').boundingBox())!;
      assert.ok(box.y + box.height <= 800 && box.y >= 0, 'Download stays in the window');
    }
    if (kind === 'prior') {
      const first = await grid();
      await page.click('[data-testid=reseed]');
      await page.waitForFunction((b) => (document.querySelector('[data-testid=explore-grid]') as HTMLCanvasElement).toDataURL() !== b, first);
    }
    if (kind === 'denoise') {
      assert.match(await page.innerText('[data-testid=denoise-note]'), /This model was trained on clean images, so it is not a denoiser/);
      assert.match(await page.innerText('.explore'), /Deterministic: decoding means gives the same images every time/);
      const deterministic = await grid();
      await page.click('[data-testid=explore-show]');
      await page.waitForTimeout(500);
      assert.equal(await grid(), deterministic, 'the same images every time');
      assert.deepEqual((await page.innerText('[data-testid=row-labels]')).split('\n'), ['noisy input', 'decoded mean (deterministic)', 'clean original']);
      // The switch redraws the view at once, so what is shown always matches it.
      await page.check('[data-testid=stochastic]');
      assert.match(await page.innerText('.explore'), /Stochastic: each reconstruction decodes a z sampled/);
      await page.waitForFunction((b) => (document.querySelector('[data-testid=explore-grid]') as HTMLCanvasElement).toDataURL() !== b, deterministic);
      assert.match(await page.innerText('[data-testid=row-labels]'), /decoded sample \(stochastic\)/);
      await page.uncheck('[data-testid=stochastic]');
      await page.waitForFunction((b) => (document.querySelector('[data-testid=explore-grid]') as HTMLCanvasElement).toDataURL() === b, deterministic);
      assert.match(await page.innerText('[data-testid=row-labels]'), /decoded mean \(deterministic\)/);
    }
  }
});

test('the reconstruction strip switches between deterministic and stochastic', async () => {
  const strip = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid=recon-strip] canvas'))
        .map((c) => (c as HTMLCanvasElement).toDataURL())
        .join(),
    );
  const first = await strip();
  await page.click('[data-testid=strip-mean]');
  await page.waitForTimeout(600);
  assert.equal(await strip(), first, 'decoded means repeat');
  assert.match(await page.innerText('[aria-label="Test reconstructions"]'), /Deterministic: the mean of q\(z\|x\) is decoded/);
  await page.click('[data-testid=strip-sample]');
  await page.waitForFunction(
    (b) =>
      Array.from(document.querySelectorAll('[data-testid=recon-strip] canvas'))
        .map((c) => (c as HTMLCanvasElement).toDataURL())
        .join() !== b,
    first,
  );
  assert.match(await page.innerText('[aria-label="Test reconstructions"]'), /Stochastic: a z drawn from q\(z\|x\) is decoded/);
  await page.screenshot({ path: path.join(OUT, 'strip-stochastic.png') });
  await page.click('[data-testid=strip-mean]');
  await page.waitForFunction(
    (b) =>
      Array.from(document.querySelectorAll('[data-testid=recon-strip] canvas'))
        .map((c) => (c as HTMLCanvasElement).toDataURL())
        .join() === b,
    first,
  );
});

async function download(testid: string): Promise<Buffer> {
  return (await downloadNamed(testid)).bytes;
}

async function downloadNamed(testid: string): Promise<{ bytes: Buffer; name: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { bytes: readFileSync((await d.path())!), name: d.suggestedFilename() };
}

test('exports round-trip: latent CSV with scatter positions, history CSV, reconstructions PNG, scatter PNG', async () => {
  await page.click('[data-testid=tab-scatter]');
  const pts = await engine.latentPoints({});
  const latentFile = await downloadNamed('export-latent');
  const epochs = (await engine.getSession({})).history.length;
  assert.equal(latentFile.name, `mnist-latent3-${epochs}ep-test-latent.csv`, 'named after the model it came from');
  const latent = parse(latentFile.bytes, { columns: true }) as Record<string, string>[];
  assert.equal(latent.length, pts.count);
  for (const i of [0, 17, pts.count - 1]) {
    const row = latent[i]!;
    assert.equal(Number(row.label), pts.labels![i]);
    assert.equal(Math.fround(Number(row.mean_2)), pts.mean[i * 3 + 2]);
    assert.equal(Math.fround(Number(row.logvar_0)), pts.logVar[i * 3]);
    assert.equal(Math.fround(Number(row.scatter_y)), pts.positions[i * 3 + 1]);
  }
  const history = parse(await download('export-history'), { columns: true }) as Record<string, string>[];
  const session = await engine.getSession({});
  assert.equal(history.length, session.history.length);
  assert.equal(Number(history[0]!.test_total), session.history[0]!.test.total);

  await page.fill('[data-testid=export-n]', '5');
  await page.selectOption('[aria-label=Export] select', '1');
  const reconFile = await downloadNamed('export-recon');
  assert.equal(reconFile.name, 'reconstructions-5-deterministic.png');
  const recon = decodePng(reconFile.bytes);
  const strip = await engine.reconstructionStrip({ n: 5 });
  assert.deepEqual([recon.width, recon.height], [5 * 29 - 1, 2 * 29 - 1]);
  for (let t = 0; t < 5; t++) {
    for (const [row, images] of [
      [0, strip.originals],
      [1, strip.reconstructions],
    ] as const) {
      for (let y = 0; y < 28; y += 3) {
        for (let x = 0; x < 28; x += 3) {
          assert.equal(recon.data[(row * 29 + y) * recon.width + t * 29 + x], toByte(images.pixels[t * 784 + y * 28 + x]!));
        }
      }
    }
  }
  // Stochastic: the same originals above decodes of sampled z, which differ from the means.
  await page.selectOption('[data-testid=export-mode]', 'sample');
  assert.match(await page.innerText('[aria-label=Export]'), /decodes of z sampled from q\(z\|x\): different each time/);
  const sampledFile = await downloadNamed('export-recon');
  assert.equal(sampledFile.name, 'reconstructions-5-stochastic.png');
  const sampled = decodePng(sampledFile.bytes);
  const half = 28 * recon.width;
  assert.deepEqual(sampled.data.subarray(0, half), recon.data.subarray(0, half), 'originals unchanged');
  assert.notDeepEqual(sampled.data.subarray(29 * recon.width), recon.data.subarray(29 * recon.width), 'sampled reconstructions differ from the means');
  await page.selectOption('[data-testid=export-mode]', 'mean');

  const scatter = PNG.sync.read(await download('scatter-png'));
  const size = await page.evaluate(() => {
    const c = document.querySelector('[data-testid=scatter-canvas]') as HTMLCanvasElement;
    return [c.width, c.height];
  });
  assert.deepEqual([scatter.width, scatter.height], size);
  const seen = PALETTE.filter(([r, g, b]) => {
    let n = 0;
    for (let i = 0; i < scatter.data.length; i += 4) {
      if (Math.abs(scatter.data[i]! - r * 255) < 12 && Math.abs(scatter.data[i + 1]! - g * 255) < 12 && Math.abs(scatter.data[i + 2]! - b * 255) < 12) n++;
    }
    return n >= 20;
  }).length;
  assert.ok(seen >= 6, `label colours in the saved scatter: ${seen}`);

  // Fit to publish: twice the pixels, a title above and the legend below, named after the model.
  const published = await downloadNamed('scatter-publish');
  assert.equal(published.name, 'mnist-latent3-scatter@2x.png');
  const big = PNG.sync.read(published.bytes);
  assert.equal(big.width, 2 * size[0]!);
  assert.ok(big.height > 2 * size[1]! + 40, `room for the title and legend: ${big.height} against ${2 * size[1]!}`);
  writeFileSync(path.join(OUT, 'scatter-publish.png'), published.bytes);
  // The legend's swatches: every class colour in the strip below the picture.
  const legendTop = big.height - (big.height - 2 * size[1]!) / 2;
  const inLegend = PALETTE.filter(([r, g, b]) => {
    for (let y = Math.floor(legendTop); y < big.height; y++) {
      for (let x = 0; x < big.width; x++) {
        const i = (y * big.width + x) * 4;
        if (Math.abs(big.data[i]! - r * 255) < 6 && Math.abs(big.data[i + 1]! - g * 255) < 6 && Math.abs(big.data[i + 2]! - b * 255) < 6) return true;
      }
    }
    return false;
  }).length;
  assert.equal(inLegend, 10, 'ten classes in the legend');
});

test('pause holds training, resume continues it, stop ends it', async () => {
  await train(20, 20000);
  assert.match(await answerConfirm(page, 'ok'), /^Discard the unsaved model \(MNIST, latent 3, hidden 512, 1 epoch\)\? Its training will be lost\.$/);
  await waitStatus('running');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress]')?.getAttribute('value') ?? 0) > 0);
  await page.click('[data-testid=pause]');
  await waitStatus('paused');
  await page.waitForTimeout(400);
  const frozen = await page.getAttribute('[data-testid=progress]', 'value');
  await page.waitForTimeout(800);
  assert.equal(await page.getAttribute('[data-testid=progress]', 'value'), frozen);
  await page.click('[data-testid=resume]');
  await waitStatus('running');
  await page.waitForFunction((f) => document.querySelector('[data-testid=progress]')?.getAttribute('value') !== f, frozen);
  await page.click('[data-testid=stop]');
  await waitStatus('stopped');
  assert.equal(await status(), 'stopped');
  await page.screenshot({ path: path.join(OUT, 'stopped.png') });
});

test('save the model to a folder and open it again', async () => {
  const dir = path.join(OUT, `saved-model-${process.pid}`);
  await page.fill('[data-testid=model-dir]', dir);
  await page.click('[data-testid=save-model]');
  await page.waitForFunction(() => document.querySelector('[data-testid=notice]')?.textContent?.startsWith('Saved to'));
  const before = await engine.getSession({});
  const z = Float32Array.from([0.5, -1, 0.25, 1.5, 0, -0.75]);
  const decodedBefore = await engine.decode({ z });
  // Change the form: opening must restore the model's own settings.
  await page.fill('[data-testid=latent]', '7');
  await page.fill('[data-testid=hidden]', '100');
  await page.fill('[data-testid=epochs]', '3');
  await page.click('[data-testid=open-model]');
  await page.waitForFunction(() => document.querySelector('[data-testid=notice]')?.textContent?.startsWith('Opened '));
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('3 latent dims'));
  const after = await engine.getSession({});
  assert.equal(after.modelDir, dir);
  assert.deepEqual(after.history, before.history);
  assert.deepEqual((await engine.decode({ z })).pixels, decodedBefore.pixels, 'the reopened model decodes exactly as the saved one');
  assert.equal(await page.inputValue('[data-testid=latent]'), String(after.model!.latentDim));
  assert.equal(await page.inputValue('[data-testid=hidden]'), (after.model as NativeConfig).hidden.join(','));
  assert.equal(await page.inputValue('[data-testid=epochs]'), String(after.training!.epochs));
  // A folder that cannot be written: a sentence, nothing lost.
  await page.fill('[data-testid=model-dir]', '/proc/no-such-place/model');
  await page.click('[data-testid=save-model]');
  await page.waitForFunction(() =>
    /Cannot write \/proc\/no-such-place\/model: a folder on the way does not exist/.test(
      document.querySelector('[data-testid=error-models]')?.textContent ?? '',
    ),
  );
  assert.equal((await engine.getSession({})).modelDir, dir);
  // A folder that is not a model gets its sentence, and the app carries on.
  await page.fill('[data-testid=model-dir]', path.join(OUT, 'no-such-model'));
  await page.click('[data-testid=open-model]');
  await page.waitForFunction(() => /is not a model folder/.test(document.querySelector('[data-testid=error-models]')?.textContent ?? ''));
  assert.equal((await engine.getSession({})).modelDir, dir);
});

test('an IDX folder of 8×6 images with 5 latent dims: PCA to 3D, and the UI says so; 2 dims lie on a plane', async () => {
  const dir = writeSyntheticFolder({ train: 400, test: 100, h: 8, w: 6 });
  await page.selectOption('[data-testid=dataset]', 'folder');
  await page.fill('input[placeholder="/path/to/idx-folder"]', dir);
  for (const [latent, note] of [
    ['5', /5 latent dims projected to 3D by PCA \(\d+% \+ \d+% \+ \d+% of the variance\)/],
    ['2', /2 latent dims: the points lie on a plane/],
  ] as const) {
    await page.fill('[data-testid=latent]', latent);
    await page.fill('[data-testid=hidden]', '64');
    await train(2, 0);
    // The first replaces the model opened from its folder; the second, training that was never saved.
    if (latent === '2') await answerConfirm(page, 'ok');
    await waitStatus('done');
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid=projection-note]')?.textContent ?? ''), note.source);
    const s = await engine.getSession({});
    assert.deepEqual([s.dataset?.height, s.dataset?.width, s.model?.latentDim], [8, 6, Number(latent)]);
    // Four classes of tiny images need few dims: the panel warns about exactly the dims the engine found inactive.
    const { health } = await engine.latentPoints({});
    // The panel may still show a refresh from during training: wait for the one of the finished model.
    await page.waitForFunction(
      ([n, k]) => new RegExp(`^${n} of ${k} dims active`).test(document.querySelector('[data-testid=active-units]')?.textContent?.trim() ?? ''),
      [health.activeUnits, latent] as const,
    );
    const collapsed = Number(latent) - health.activeUnits;
    if (collapsed > 0) {
      assert.match(await page.innerText('[data-testid=collapse-warning]'), new RegExp(`^${collapsed} dims? ha(s|ve) collapsed to the prior`));
    } else {
      assert.equal(await page.locator('[data-testid=collapse-warning]').count(), 0);
    }
    await page.screenshot({ path: path.join(OUT, `idx-latent-${latent}.png`) });
  }
  await page.selectOption('[data-testid=dataset]', 'mnist');
  await page.fill('[data-testid=latent]', '3');
  await page.fill('[data-testid=hidden]', '512');
});

test('dark theme follows the system', async () => {
  const dark = await openApp(browser, app.server.url, 'dark');
  await dark.waitForTimeout(800);
  const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(15, 17, 21)');
  await dark.screenshot({ path: path.join(OUT, 'dark.png') });
  assert.deepEqual((dark as Page & { errors?: string[] }).errors, []);
  await dark.close();
});

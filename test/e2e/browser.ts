import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { toByte } from '../../src/io/png.js';
import { serve, type RunningServer, type ServeOptions } from '../../src/web/web-server.js';
import type { ScatterHook } from '../../renderer/src/lib/scatter/test-hook.js';
import { tempDir } from '../helpers/fixtures.js';
import { createClient, type Client, type ClientOptions } from '../../src/rpc/client.js';
import { PALETTE } from '../../renderer/src/lib/palette.js';
import { socketEndpoint, type SocketLike } from '../../src/rpc/ws-endpoint.js';

/**
 * The renderer's test build (`vite build --config renderer/vite.config.ts
 * --mode test`): the app with its test hooks, such as the scatter's
 * `window.latentExplorerScatter`, which the app's own build leaves out.
 * LATENT_EXPLORER_TEST_RENDERER points at another build of it.
 */
export const TEST_RENDERER_DIR = process.env.LATENT_EXPLORER_TEST_RENDERER ?? fileURLToPath(new URL('../../dist/renderer-test', import.meta.url));

/** Where pages under test come from; says how to build it when it is missing. */
export function testRendererDir(): string {
  if (!existsSync(path.join(TEST_RENDERER_DIR, 'index.html'))) {
    throw new Error(
      `${TEST_RENDERER_DIR} has no index.html: build the renderer's test build with "npx vite build --config renderer/vite.config.ts --mode test".`,
    );
  }
  return TEST_RENDERER_DIR;
}

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Opens the app at 1280×800; `initScript` runs in the page before the app
 * does, and `prepare` gets the page before it loads (to route its WebSocket).
 */
export async function openApp(
  browser: Browser,
  url: string,
  colorScheme: 'light' | 'dark' = 'light',
  initScript?: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors?: string[] }).errors = errors;
  // Functions passed to page.evaluate are compiled by tsx, which names inner
  // functions through a helper the page does not have.
  await page.addInitScript('window.__name = (f) => f');
  if (initScript) await page.addInitScript(initScript);
  await prepare?.(page);
  await page.goto(url);
  await page.waitForSelector('#app[data-connection="ready"]', { timeout: 30000 });
  return page;
}

/** Waits for the training status; on a timeout, leaves a screenshot in `out` and names the page's errors. */
export async function waitStatus(page: Page, s: string, out: string, timeout = 120000): Promise<void> {
  try {
    await page.waitForSelector(`[data-testid=status][data-status=${s}]`, { timeout });
  } catch (err) {
    await page.screenshot({ path: path.join(out, `failed-waiting-for-${s}.png`) });
    const errors = (page as Page & { errors?: string[] }).errors ?? [];
    const now = await page.getAttribute('[data-testid=status]', 'data-status');
    throw new Error(`status never became ${s} (it is ${now}); page errors: ${errors.join(' | ') || 'none'}`, { cause: err });
  }
}

/** Starts a small training run from the form (batch 100). */
export async function trainFromForm(page: Page, epochs: number, limit: number): Promise<void> {
  await page.fill('[data-testid=epochs]', String(epochs));
  await page.fill('[data-testid=limit]', String(limit));
  await page.fill('[data-testid=batch]', '100');
  await page.click('[data-testid=train]');
}

/** Waits until the notice line matches `re`. */
export async function waitNotice(page: Page, re: RegExp): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid=notice]')?.textContent ?? ''), re.source);
}

/**
 * Waits for the app's confirmation dialog, answers it, and returns its text
 * (a question must be asked: the wait fails when none comes).
 */
export async function answerConfirm(page: Page, choice: 'ok' | 'cancel'): Promise<string> {
  await page.waitForSelector('[data-testid=confirm-dialog][open]');
  const text = await page.innerText('[data-testid=confirm-text]');
  await page.click(`[data-testid=confirm-${choice}]`);
  await page.waitForSelector('[data-testid=confirm-dialog]:not([open])', { state: 'attached' });
  return text;
}

/** What went wrong in the page so far: uncaught errors and console errors. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** A Node client of a running server's engine, over its own WebSocket. */
export async function connectEngine(server: RunningServer, opts: ClientOptions = {}): Promise<{ client: Client; close(): void }> {
  const socket = new WebSocket(server.rpcUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { client: createClient(socketEndpoint(socket as unknown as SocketLike), opts), close: () => socket.close() };
}

/** Scatter pixels close to each label colour, one count per class. */
export async function labelColourCounts(page: Page): Promise<number[]> {
  return page.evaluate((palette) => {
    const src = document.querySelector('[data-testid=scatter-canvas]') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const counts = palette.map(() => 0);
    for (let i = 0; i < d.length; i += 4) {
      palette.forEach(([r, g, b], k) => {
        if (Math.abs(d[i]! - r * 255) < 12 && Math.abs(d[i + 1]! - g * 255) < 12 && Math.abs(d[i + 2]! - b * 255) < 12) counts[k]!++;
      });
    }
    return counts;
  }, PALETTE);
}

/** A scatter point the cursor really lands on: the first from `from` on whose pick returns itself. */
export async function clickablePoint(page: Page, from: number, count: number): Promise<{ i: number; x: number; y: number } | null> {
  return page.evaluate(
    ([start, n]) => {
      const v = (window as unknown as { latentExplorerScatter: ScatterHook }).latentExplorerScatter;
      for (let i = start!; i < n!; i++) {
        const s = v.screenPosition(i);
        if (s && v.pick(s.x, s.y) === i) return { i, ...s };
      }
      return null;
    },
    [from, count],
  );
}

/** The red channel of a 2D canvas, one byte per pixel (the app draws grey images). */
export async function canvasBytes(page: Page, testid: string): Promise<number[]> {
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid=${id}]`) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return Array.from({ length: c.width * c.height }, (_, i) => d[i * 4]!);
  }, testid);
}

/** Every pixel of each canvas matching `selector`, as [red, green, blue] bytes: one list per canvas. */
export async function canvasesRgb(page: Page, selector: string): Promise<[number, number, number][][]> {
  return page.evaluate((sel) => {
    return Array.from(document.querySelectorAll(sel), (el) => {
      const c = el as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return Array.from({ length: c.width * c.height }, (_, i) => [d[i * 4]!, d[i * 4 + 1]!, d[i * 4 + 2]!] as [number, number, number]);
    });
  }, selector);
}

/** The engine's pixels as the app draws them: bytes 0–255. */
export function toBytes(pixels: Float32Array): number[] {
  return Array.from(pixels, toByte);
}

/** The browser mode under test: the real server and engine, Chromium on the app, and a client of the same engine. */
export interface AppUnderTest {
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** A second connection to the engine, to compare the page with the engine's own answers. */
  engine: Client;
  close(): Promise<void>;
}

/** Serves the renderer's test build and the engine, as `latent-explorer serve` does. */
export function serveForTest(opts: Omit<ServeOptions, 'staticDir'>): Promise<RunningServer> {
  return serve({ ...opts, staticDir: testRendererDir() });
}

export async function startApp(initScript?: string): Promise<AppUnderTest> {
  const server = await serveForTest({ port: 0, host: '127.0.0.1', dataDir: tempDir('le-data-') });
  const browser = await launchChromium();
  const page = await openApp(browser, server.url, 'light', initScript);
  const socket = new WebSocket(server.rpcUrl);
  await new Promise((r) => socket.once('open', r));
  const engine = createClient(socketEndpoint(socket as unknown as SocketLike));
  return {
    server,
    browser,
    page,
    engine,
    async close() {
      socket.close();
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The app with a small model trained from the form (latent dims, one epoch
 * on `limit` images) and its points drawn with their axes; screenshots of a
 * failed training land in `out`. Gives the app and how many points it shows.
 */
export async function startTrained(out: string, latent = 3, limit = 2000): Promise<{ app: AppUnderTest; count: number }> {
  const app = await startApp();
  const page = app.page;
  await page.fill('[data-testid=latent]', String(latent));
  await trainFromForm(page, 1, limit);
  await waitStatus(page, 'done', out);
  const count = (await app.engine.latentPoints({})).count;
  await page.waitForFunction((n) => {
    const v = (window as unknown as { latentExplorerScatter: ScatterHook }).latentExplorerScatter;
    return v.screenPosition(n - 1) !== null && v.axisTexts().length > 0;
  }, count);
  await page.waitForTimeout(300);
  return { app, count };
}

/**
 * Shared setup for the browser tests: serve the built book (dist/) with the same static
 * server `npm start` uses, drive Debian's Chromium with playwright-core, collect console
 * errors and failed requests per page, and run axe-core.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Page, type BrowserContextOptions } from 'playwright-core';
import { startStaticServer } from '../../scripts/static-server.mjs';

export const DIST = process.env.NN4HEP_OUT_DIR || 'dist';
export const BASE = process.env.NN4HEP_BASE || '/';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface Site { url: string; close: () => Promise<void> }

export async function startSite(): Promise<Site> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build the book first (npm run build).`);
  }
  return startStaticServer({ root: DIST, base: BASE });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen on the page. */
  errors: string[];
  /** Requests that failed or answered with HTTP >= 400. */
  failedRequests: string[];
  /** Requests to any host other than the test server. */
  externalRequests: string[];
}

/** Open `path` (relative to the site root, e.g. "chapters/tensors/"). */
export async function openPage(
  browser: Browser, site: Site, path: string,
  options: BrowserContextOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  const failedRequests: string[] = [];
  const externalRequests: string[] = [];
  const origin = new URL(site.url).origin;
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400) failedRequests.push(`${r.url()} (HTTP ${r.status()})`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) externalRequests.push(u);
  });
  await page.goto(new URL(path, site.url).href, { waitUntil: 'load' });
  return { page, errors, failedRequests, externalRequests };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: string[] }

/** axe-core scan; returns the serious and critical violations only. */
export async function axeSeriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    // @ts-expect-error injected global
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n: any) => n.target.join(' ')) }));
  });
  return (result as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Every HTML page of the built site, as paths relative to the site root ("", "chapters/tensors/"). */
export function builtPages(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'index.html') out.push(relative(DIST, dir).split('\\').join('/').replace(/^(.+)$/, '$1/'));
    }
  };
  walk(DIST);
  return out.sort();
}

/** Operate a range input by keyboard: focus it and press a key n times. */
export async function pressOn(page: Page, selector: string, key: string, times = 1): Promise<void> {
  await page.focus(selector);
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

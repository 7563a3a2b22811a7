/**
 * An instructor's rebuild, end to end, hosted under a sub-path: in a scratch copy of the
 * book (sources copied, node_modules linked, no precomputed assets, the built-in simulated
 * dataset left out), `npm run book` with the shared course-layout fixture under another id,
 * plus a hand-written dataset configuration built by the same `npm run build`, all with
 * NN4HEP_BASE=/courses/ml/. Then every page is loaded from a server that answers only under
 * that path: nothing may fail or leave the site, and the pages must show this dataset's
 * numbers. One extra astro build; full profile on 1,000 events (about a minute of training).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { launchBrowser, openPage, type Site } from './harness';
import type { Manifest, RunMetrics } from '../../core/schema';

const repo = resolve(__dirname, '../..');
const FIXTURE = resolve(repo, '../shared/fixtures/hdf5/course-layout-small.h5');
const BASE = '/courses/ml/';
const ID = 'course-small';
const HAND = 'course-small-by-hand';
const OUT = 'dist-subpath';
let book: string;
let site: Site;
let browser: Browser;
let output = '';

/** The book's sources without build outputs, data, precomputed assets or caches. */
function makeScratchBook(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nn4hep-instructor-'));
  const skipTop = new Set(['node_modules', '.git', 'data', 'public', '.astro', 'test-results', 'precomputed-shards']);
  for (const name of readdirSync(repo)) {
    if (skipTop.has(name) || name.startsWith('dist') || name.endsWith('.tmp')) continue;
    cpSync(join(repo, name), join(dir, name), { recursive: true });
  }
  cpSync(join(repo, 'public'), join(dir, 'public'), {
    recursive: true, filter: (src) => !['precomputed', 'vendor'].includes(relative(join(repo, 'public'), src).split('/')[0]),
  });
  // Packages linked one by one, so Astro's and Vite's caches (node_modules/.astro, .vite) stay in the copy.
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name.startsWith('.') && name !== '.bin') continue;
    symlinkSync(join(repo, 'node_modules', name), join(dir, 'node_modules', name));
  }
  // The instructor's book holds only their data: the simulated sample is left out (its run grid is the template).
  rmSync(join(dir, 'content/datasets/ww-vs-tt-sim.json'));
  return dir;
}

function pagesOf(dist: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'index.html') out.push(relative(dist, d).split('\\').join('/').replace(/^(.+)$/, '$1/'));
    }
  };
  walk(dist);
  return out.sort();
}

const manifest = (id: string) => JSON.parse(readFileSync(join(book, 'public/precomputed', id, 'manifest.json'), 'utf8')) as Manifest;
const metrics = (run: string) => JSON.parse(readFileSync(join(book, 'public/precomputed', ID, 'runs', run, 'metrics.json'), 'utf8')) as RunMetrics;

beforeAll(async () => {
  if (!existsSync(FIXTURE)) {
    throw new Error(`${FIXTURE} is missing: this test needs the shared fixtures beside the repository (../shared/fixtures/hdf5/course-layout-small.h5).`);
  }
  book = makeScratchBook();
  // Edited by hand: the same file, two of the course's runs on three features.
  const template = JSON.parse(readFileSync(join(repo, 'content/datasets/ww-vs-tt-sim.json'), 'utf8'));
  writeFileSync(join(book, 'content/datasets', `${HAND}.json`), JSON.stringify({
    id: HAND, title: 'Course layout sample, three features (configuration written by hand)', source: FIXTURE,
    classes: { signal: 'Signal', background: 'Background' },
    featureSets: { F3: ['HT_all', 'combined_leptons_mass', 'angle_between_leptons'] },
    split: template.split,
    runs: template.runs.filter((r: { id: string }) => ['r05-f26-adam', 'r12-f5-notebook'].includes(r.id)).map((r: object) => ({ ...r, featureSet: 'F3' })),
  }, null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, NN4HEP_BASE: BASE, NN4HEP_OUT_DIR: OUT, ASTRO_TELEMETRY_DISABLED: '1', CI: 'true' };
  delete env.NN4HEP_DATASET;
  // Vitest exports import.meta.env's keys (BASE_URL=/, MODE=test, …) to process.env, and Vite lets an
  // inherited BASE_URL win over Astro's base: a person's shell does not have them, so neither does the build.
  for (const k of Object.keys(env)) if (['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'TEST'].includes(k) || k.startsWith('VITEST')) delete env[k];
  // Full profile: on 1,000 events the quick profile's 10 % leaves too few test events for chapter 5's demonstrations.
  const r = spawnSync('npm', ['run', 'book', '--', '--data', FIXTURE, '--id', ID, '--backend', 'wasm', '--profile', 'full',
    '--template', join(repo, 'content/datasets/ww-vs-tt-sim.json')], { cwd: book, env, encoding: 'utf8', timeout: 1_200_000 });
  output = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`npm run book failed (exit ${r.status}):\n${output.slice(-6000)}`);
  site = await startStaticServer({ root: join(book, OUT), base: BASE });
  browser = await launchBrowser();
}, 1_500_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  // NN4HEP_KEEP_SCRATCH=1 keeps the scratch book for a look at what was built.
  if (book && !process.env.NN4HEP_KEEP_SCRATCH) rmSync(book, { recursive: true, force: true });
  else if (book) console.log(`scratch book kept in ${book}`);
});

describe('npm run book with another dataset, served under /courses/ml/', () => {
  it('wrote the configuration, made it the default, trained it and the hand-written one', () => {
    const config = JSON.parse(readFileSync(join(book, 'content/datasets', `${ID}.json`), 'utf8'));
    expect(config.source).toBe(FIXTURE);
    expect(config.runs).toHaveLength(14);
    expect(JSON.parse(readFileSync(join(book, 'content/book.json'), 'utf8')).defaultDataset).toBe(ID);
    const m = manifest(ID);
    expect(m.classCounts).toEqual({ signal: 400, background: 600 });
    expect(m.profile).toBe('full');
    expect(m.backend.name).toBe('wasm');
    expect(manifest(HAND).runs.map((r) => r.id)).toEqual(['r05-f26-adam', 'r12-f5-notebook']);
    expect(output).toContain(`the book's dataset is now "${ID}"`);
  });

  it('every page loads under the sub-path without failed, external or error-logging requests', async () => {
    const pages = pagesOf(join(book, OUT));
    expect(pages).toContain('datasets/');
    expect(pages).toContain('chapters/for-instructors/');
    for (const path of pages) {
      const { page, errors, failedRequests, externalRequests } = await openPage(browser, site, path);
      const requested: string[] = [];
      page.on('request', (q) => requested.push(new URL(q.url()).pathname));
      await page.waitForLoadState('networkidle');
      expect(failedRequests, `/${path}`).toEqual([]);
      expect(externalRequests, `/${path}`).toEqual([]);
      expect(errors, `/${path}`).toEqual([]);
      expect(requested.filter((p) => !p.startsWith(BASE)), `/${path}`).toEqual([]);
      await page.context().close();
    }
  });

  it('models and wasm files resolve under the sub-path (run gallery, a code cell)', async () => {
    const gallery = await openPage(browser, site, 'chapters/training/');
    const urls: string[] = [];
    gallery.page.on('response', (r) => { if (r.ok()) urls.push(new URL(r.url()).pathname); });
    await expect.poll(() => gallery.page.locator('nn-run-gallery').getAttribute('data-state'), { timeout: 90_000 }).not.toBe('loading');
    expect({
      state: await gallery.page.locator('nn-run-gallery').getAttribute('data-state'),
      error: await gallery.page.locator('nn-run-gallery .widget-error').allTextContents(),
    }).toEqual({ state: 'ready', error: [] });
    await gallery.page.waitForLoadState('networkidle');
    expect(gallery.failedRequests).toEqual([]);
    expect(gallery.errors).toEqual([]);
    await gallery.page.context().close();

    const cells = await openPage(browser, site, 'chapters/tensors/');
    const wasm: string[] = [];
    cells.page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push(`${new URL(r.url()).pathname} ${r.status()}`); });
    const cell = cells.page.locator('code-cell').first();
    await cell.locator('.cell-run').click();
    await expect.poll(() => cell.locator('.cell-status').textContent(), { timeout: 90_000 }).toMatch(/Finished .* on the wasm backend/);
    expect(wasm.length).toBeGreaterThan(0);
    for (const w of wasm) expect(w).toMatch(new RegExp(`^${BASE}vendor/tfjs-wasm/\\S+\\.wasm 200$`));
    expect(cells.failedRequests).toEqual([]);
    await cells.page.context().close();
  });

  it('the datasets page lists both datasets with provenance; the default is marked', async () => {
    const { page } = await openPage(browser, site, 'datasets/');
    const sha = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    const mine = page.locator(`section[data-dataset="${ID}"]`);
    expect(await mine.locator('[data-field="signal"]').textContent()).toBe('400');
    expect(await mine.locator('[data-field="background"]').textContent()).toBe('600');
    expect(await mine.locator('[data-field="total"]').textContent()).toBe('1,000');
    expect(await mine.locator('[data-field="sha256"]').textContent()).toBe(sha);
    const m = manifest(ID);
    expect(await mine.locator('[data-field="split"]').textContent()).toContain(`${m.split.sizes.train} train, ${m.split.sizes.val} validation, ${m.split.sizes.test} test`);
    expect(await mine.locator('[data-field="backend"]').textContent()).toBe('wasm');
    expect(await mine.locator('[data-field="device"]').textContent()).toBe(m.backend.device);
    expect(await mine.innerText()).toContain('course-layout-small.h5');
    expect(await mine.locator('h2 .dataset-default').count()).toBe(1);
    const hand = page.locator(`section[data-dataset="${HAND}"]`);
    expect(await hand.count()).toBe(1);
    expect(await hand.locator('.dataset-default').count()).toBe(0);
    expect(await page.locator('section.dataset').count()).toBe(2);
    expect(await page.locator('section[data-dataset="ww-vs-tt-sim"]').count()).toBe(0);
    await page.context().close();
  });

  it('the chapters show this dataset\'s numbers', async () => {
    const ch5 = await openPage(browser, site, 'chapters/physics-and-data/');
    const text5 = await ch5.page.locator('main').innerText();
    expect(text5).toContain('course-layout-small.h5');
    expect(text5).toMatch(/1,000 events, 400 signal \(40\.0 %\) and\s+600 background \(60\.0 %\)/);
    await ch5.page.context().close();

    const r12 = metrics('r12-f5-notebook');
    const ch7 = await openPage(browser, site, 'chapters/training/');
    const text7 = await ch7.page.locator('main').innerText();
    // Full profile: r12 ran all its epochs, so the text gives no quick-profile aside.
    expect(text7).toContain(`(r12, ${r12.history.length} epochs): test accuracy ${(100 * r12.test.accuracy).toFixed(1)} %, AUC ${r12.auc.toFixed(3)}`);
    await ch7.page.context().close();

    const ch10 = await openPage(browser, site, 'chapters/for-instructors/');
    const text10 = await ch10.page.locator('main').innerText();
    expect(text10).toContain(`(${ID}: 400 signal and 600 background events, full profile, trained on the TF.js wasm backend)`);
    await ch10.page.context().close();
  });
});

/**
 * Chapters 5-6 in a real browser: the event display, the feature explorer and the preparation
 * pipeline operated by mouse and by keyboard, the reader's feature selection carried from
 * chapter 5 to chapter 6, the code cells, widgets that cannot load their assets, and axe-core
 * in light and dark mode and at 360 px.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { axeSeriousViolations, DIST, launchBrowser, openPage, pressOn, startSite, type OpenedPage, type Site } from './harness';
import { decodeSample, type Manifest } from '../../core/schema';
import { rankFeatures } from '../../core/data-prep';

const CH5 = 'chapters/physics-and-data/';
const CH6 = 'chapters/preparing-data/';
const KEY = 'nn4hep-feature-selection';
let site: Site;
let browser: Browser;

const book = JSON.parse(readFileSync('content/book.json', 'utf8')) as { defaultDataset: string };
const assetDir = join(DIST, 'precomputed', process.env.NN4HEP_DATASET || book.defaultDataset);
const manifest = JSON.parse(readFileSync(join(assetDir, 'manifest.json'), 'utf8')) as Manifest;
const sampleBuf = readFileSync(join(assetDir, 'sample.bin'));
const sample = decodeSample(sampleBuf.buffer.slice(sampleBuf.byteOffset, sampleBuf.byteOffset + sampleBuf.byteLength), manifest.sample);

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function ready(page: Page, selector: string): Promise<Locator> {
  const w = page.locator(selector);
  await expect.poll(() => w.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
  return w;
}
async function done(o: OpenedPage) {
  expect(o.errors, 'console errors').toEqual([]);
  expect(o.failedRequests, 'failed requests').toEqual([]);
  expect(o.externalRequests, 'requests to other hosts').toEqual([]);
  await o.page.context().close();
}
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const num = (s: string) => Number(s.replace(/,/g, ''));

describe('event display (chapter 5)', () => {
  it('steps through events by mouse and shows the sample row it says it shows', async () => {
    const o = await openPage(browser, site, CH5);
    const w = await ready(o.page, 'event-display');
    const first = await w.getAttribute('data-event');
    const firstLabel = await w.getAttribute('data-label');
    const firstAlt = await w.locator('.ed-svg').getAttribute('aria-label');
    await w.locator('.ed-next').click();
    const second = await w.getAttribute('data-event');
    expect(second).not.toBe(first);
    expect(await w.locator('.ed-svg').getAttribute('aria-label')).not.toBe(firstAlt);
    // The table shows the sample's values for that row.
    const i = Number(second);
    for (const f of ['combined_leptons_mass', 'HT_all', 'lepton0_px', 'jet1_energy']) {
      const shown = num(await text(w.locator(`td[data-feature="${f}"]`)));
      expect(shown).toBeCloseTo(sample[f][i], 1);
    }
    expect(num(await text(w.locator('td[data-feature="Njets"]')))).toBe(sample.Njets[i]);
    expect(await w.getAttribute('data-label')).toBe(sample.label[i] === 1 ? 'signal' : 'background');
    expect(await w.locator('td[data-feature]').count()).toBe(26);
    expect(await text(w.locator('.ed-desc'))).toMatch(/Lepton 1: transverse momentum \d+ GeV/);
    await w.locator('.ed-prev').click();
    expect(await w.getAttribute('data-event')).toBe(first);
    expect(await w.getAttribute('data-label')).toBe(firstLabel);
    // The drawing has two lepton arrows, a cone per stored jet and the missing-momentum arrow.
    const jets = (sample.jet0_energy[Number(first)] > 0 ? 1 : 0) + (sample.jet1_energy[Number(first)] > 0 ? 1 : 0);
    expect(await w.locator('.ed-svg path.ed-jet').count()).toBe(jets);
    expect(await w.locator('.ed-svg line').count()).toBe(3);
    await done(o);
  });

  it('is operable by keyboard: arrow keys on the drawing, the class filter and the number box', async () => {
    const o = await openPage(browser, site, CH5);
    const w = await ready(o.page, 'event-display');
    const first = await w.getAttribute('data-event');
    await pressOn(o.page, 'event-display .ed-view', 'ArrowRight', 3);
    const moved = await w.getAttribute('data-event');
    expect(moved).not.toBe(first);
    await pressOn(o.page, 'event-display .ed-view', 'ArrowLeft', 3);
    expect(await w.getAttribute('data-event')).toBe(first);
    // Filter to background by keyboard: every event shown from now on is background.
    await o.page.focus('event-display .ed-class');
    await o.page.keyboard.press('ArrowDown');
    await o.page.keyboard.press('ArrowDown');
    await expect.poll(() => w.getAttribute('data-filter')).toBe('0');
    const seen = new Set<string>();
    for (let k = 0; k < 6; k++) {
      expect(await w.getAttribute('data-label')).toBe('background');
      seen.add((await w.getAttribute('data-event'))!);
      await pressOn(o.page, 'event-display .ed-next', 'Enter');
    }
    expect(seen.size).toBe(6);
    expect(await text(w.locator('.ed-title'))).toContain('background');
    // And signal by mouse.
    await w.locator('.ed-class').selectOption('1');
    for (let k = 0; k < 4; k++) {
      expect(await w.getAttribute('data-label')).toBe('signal');
      expect(sample.label[Number(await w.getAttribute('data-event'))]).toBe(1);
      await w.locator('.ed-next').click();
    }
    // Jump to an event by number: a background event switches the filter back to all.
    const bg = sample.label.findIndex((y, i) => i > 10 && y === 0);
    await w.locator('.ed-num').fill(String(bg + 1));
    await w.locator('.ed-num').press('Enter');
    await expect.poll(() => w.getAttribute('data-event')).toBe(String(bg));
    expect(await w.getAttribute('data-filter')).toBe('all');
    await done(o);
  });
});

describe('feature explorer (chapter 5)', () => {
  it('changes the histogram with the feature and the log scale, by mouse and keyboard', async () => {
    const o = await openPage(browser, site, CH5);
    const w = await ready(o.page, 'feature-explorer');
    const alt0 = await w.locator('.fx-plot [role="img"]').getAttribute('aria-label');
    const paths0 = await w.locator('.fx-plot svg').first().innerHTML();
    expect(alt0).toMatch(/linear y axis/);
    await w.locator('.fx-feature').selectOption('HT_all');
    await expect.poll(() => w.getAttribute('data-feature')).toBe('HT_all');
    const alt1 = await w.locator('.fx-plot [role="img"]').getAttribute('aria-label');
    expect(alt1).toContain('HT_all');
    expect(await w.locator('.fx-plot svg').first().innerHTML()).not.toBe(paths0);
    expect(await text(w.locator('.fx-stats'))).toMatch(/^HT_all: signal mean/);
    // Log scale by keyboard (Space on the checkbox).
    await pressOn(o.page, 'feature-explorer .fx-log', 'Space');
    await expect.poll(() => w.getAttribute('data-log')).toBe('true');
    expect(await w.locator('.fx-plot [role="img"]').getAttribute('aria-label')).toMatch(/logarithmic y axis/);
    // Feature by keyboard.
    await o.page.focus('feature-explorer .fx-feature');
    await o.page.keyboard.press('ArrowDown');
    await expect.poll(() => w.getAttribute('data-feature')).not.toBe('HT_all');
    // A feature name in the ranking shows its histogram.
    await w.locator('.fx-rank tr[data-feature="Njets"] .fx-show').click();
    await expect.poll(() => w.getAttribute('data-feature')).toBe('Njets');
    expect(await w.locator('.fx-feature').inputValue()).toBe('Njets');
    await done(o);
  });

  it('ranks all features by single-feature separation, best first, as core/metrics computes it', async () => {
    const o = await openPage(browser, site, CH5);
    const w = await ready(o.page, 'feature-explorer');
    const rows = w.locator('.fx-rank tbody tr');
    expect(await rows.count()).toBe(manifest.features.length);
    const names = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.feature!));
    const seps = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector('td.sep')!.textContent)));
    for (let k = 1; k < seps.length; k++) expect(seps[k - 1]).toBeGreaterThanOrEqual(seps[k]);
    const expected = rankFeatures(sample, sample.label, manifest.features);
    expect(names).toEqual(expected.map((r) => r.name));
    expect(seps[0]).toBeCloseTo(expected[0].separation, 3);
    expect(seps[0]).toBeGreaterThan(0.6);
    await done(o);
  });

  it('saves the reader\'s feature selection in localStorage and keeps it across reloads and into chapter 6', async () => {
    const o = await openPage(browser, site, CH5);
    let w = await ready(o.page, 'feature-explorer');
    expect(await o.page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();
    await w.locator('button.fx-pick[data-pick="none"]').click();
    expect(await o.page.evaluate((k) => localStorage.getItem(k), KEY)).toBe('[]');
    await w.locator('.fx-rank tr[data-feature="HT_all"] .fx-use').click();
    await pressOn(o.page, 'feature-explorer .fx-rank tr[data-feature="combined_leptons_mass"] .fx-use', 'Space');
    const stored = JSON.parse((await o.page.evaluate((k) => localStorage.getItem(k), KEY))!);
    // In the dataset's column order.
    expect(stored).toEqual(manifest.features.filter((f) => f === 'HT_all' || f === 'combined_leptons_mass'));
    expect(await text(w.locator('.fx-selection'))).toMatch(/Saved for chapters 6 and 7: 2 features/);
    await o.page.reload({ waitUntil: 'load' });
    w = await ready(o.page, 'feature-explorer');
    expect(await w.locator('.fx-rank tr[data-feature="HT_all"] .fx-use').isChecked()).toBe(true);
    expect(await w.locator('.fx-rank tr[data-feature="combined_leptons_mass"] .fx-use').isChecked()).toBe(true);
    expect(await w.locator('.fx-use:checked').count()).toBe(2);
    await w.locator('button.fx-pick[data-pick="F5"]').click();
    expect(JSON.parse((await o.page.evaluate((k) => localStorage.getItem(k), KEY))!)).toEqual(manifest.features.filter((f) => manifest.featureSets.F5.includes(f)));
    await w.locator('.fx-rank tr[data-feature="Njets"] .fx-use').click(); // drop one: four left
    const four = manifest.featureSets.F5.filter((f) => f !== 'Njets');
    // Chapter 6 starts from it.
    await o.page.goto(new URL(CH6, site.url).href, { waitUntil: 'load' });
    const p = await ready(o.page, 'prep-pipeline');
    expect(await p.locator('.pp-features').inputValue()).toBe('reader');
    expect(JSON.parse((await p.getAttribute('data-features'))!).sort()).toEqual([...four].sort());
    await done(o);
  });
});

describe('preparation pipeline (chapter 6)', () => {
  it('shows the steps with the dataset\'s counts and the chosen features\' shapes', async () => {
    const o = await openPage(browser, site, CH6);
    const w = await ready(o.page, 'prep-pipeline');
    // No selection saved: the course's five.
    expect(await w.locator('.pp-features').inputValue()).toBe('F5');
    const steps = await text(w.locator('.pp-steps tbody'));
    const fmt = (n: number) => n.toLocaleString('en-US');
    const { train, val, test } = manifest.split.sizes;
    expect(steps).toContain(`${fmt(manifest.classCounts.signal)} + ${fmt(manifest.classCounts.background)} = ${fmt(manifest.classCounts.signal + manifest.classCounts.background)}`);
    expect(steps).toContain(`${fmt(train)} / ${fmt(val)} / ${fmt(test)}`);
    expect(steps).toContain(`[${fmt(train + val + test)}, 5]`);
    // All 26 by keyboard.
    await o.page.focus('prep-pipeline .pp-features');
    await o.page.keyboard.press('ArrowDown');
    await expect.poll(() => w.getAttribute('data-features')).toBe(JSON.stringify(manifest.features));
    await expect.poll(() => text(w.locator('.pp-steps tbody'))).toContain(`[${fmt(train + val + test)}, 26]`);
    await ready(o.page, 'prep-pipeline');
    expect(await w.locator('.pp-leak tbody tr').count()).toBe(26);
    await done(o);
  });

  it('shuffling labels apart from inputs drops a live logistic fit to always answering background', async () => {
    const o = await openPage(browser, site, CH6);
    const w = await ready(o.page, 'prep-pipeline');
    const together = Number(await w.getAttribute('data-accuracy'));
    expect(await w.locator('.pp-rows td.bad').count()).toBe(0);
    expect(await text(w.locator('.pp-right'))).toBe('100 %');
    // The bug, by keyboard: arrow keys move between the radio buttons.
    await pressOn(o.page, 'prep-pipeline input[name="pp-shuffle"][value="together"]', 'ArrowDown');
    await expect.poll(() => w.getAttribute('data-shuffle')).toBe('separately');
    const separately = Number(await w.getAttribute('data-accuracy'));
    const labels = manifest.sample.rows;
    const sig = sample.label.reduce((a, b) => a + b, 0);
    const majority = Math.max(sig, labels - sig) / labels;
    expect(together).toBeGreaterThan(majority + 0.1);
    expect(Math.abs(separately - majority)).toBeLessThan(0.03);
    expect(await text(w.locator('.pp-acc'))).toBe(`${(100 * separately).toFixed(1)} %`);
    expect(await w.locator('.pp-acc-plot [role="img"]').getAttribute('aria-label')).toMatch(/labels are shuffled on their own/);
    // A new shuffle (mouse) changes which labels land on which rows.
    const before = await text(w.locator('.pp-rows tbody'));
    const seed = await w.getAttribute('data-seed');
    await w.locator('.pp-reshuffle').click();
    await expect.poll(() => w.getAttribute('data-seed')).toBe(String(Number(seed) + 1));
    await ready(o.page, 'prep-pipeline');
    expect(await text(w.locator('.pp-rows tbody'))).not.toBe(before);
    expect(Math.abs(Number(await w.getAttribute('data-accuracy')) - majority)).toBeLessThan(0.05);
    // Back to the right shuffle by mouse.
    await w.locator('input[name="pp-shuffle"][value="together"]').click();
    await expect.poll(() => w.getAttribute('data-shuffle')).toBe('together');
    expect(Number(await w.getAttribute('data-accuracy'))).toBeGreaterThan(majority + 0.1);
    await done(o);
  });

  it('shows what a scaler fitted on all events takes from the test split', async () => {
    const o = await openPage(browser, site, CH6);
    const w = await ready(o.page, 'prep-pipeline');
    const trainMean = Number(await w.getAttribute('data-leak-mean'));
    expect(await text(w.locator('.pp-leak tbody'))).toContain('0 (no test event used)');
    await w.locator('input[name="pp-scaler"][value="all"]').click();
    await expect.poll(() => w.getAttribute('data-scaler')).toBe('all');
    const allMean = Number(await w.getAttribute('data-leak-mean'));
    expect(allMean).not.toBe(trainMean);
    // The all-events mean of the first feature is the sample's mean of that column.
    const f0 = JSON.parse((await w.getAttribute('data-features'))!)[0] as string;
    const col = sample[f0];
    expect(allMean).toBeCloseTo(col.reduce((a, b) => a + b, 0) / col.length, 3);
    expect(await text(w.locator('.pp-leak tbody'))).not.toContain('no test event used');
    expect(await text(w.locator('.pp-leak-note'))).toMatch(/validation and test events/);
    await pressOn(o.page, 'prep-pipeline input[name="pp-scaler"][value="all"]', 'ArrowUp');
    await expect.poll(() => w.getAttribute('data-scaler')).toBe('train');
    await done(o);
  });
});

describe('code cells', () => {
  for (const path of [CH5, CH6]) {
    it(`every cell of ${path} runs without an error`, async () => {
      const o = await openPage(browser, site, path);
      const cells = o.page.locator('code-cell');
      const n = await cells.count();
      expect(n).toBeGreaterThan(0);
      for (let k = 0; k < n; k++) {
        const cell = cells.nth(k);
        await cell.locator('.cell-run').click();
        await expect.poll(() => cell.locator('.cell-status').textContent(), { timeout: 90_000 }).toMatch(/Finished|error/);
        const out = await text(cell.locator('.cell-output'));
        expect(await cell.locator('.cell-output .err').count(), out).toBe(0);
        expect(out.length).toBeGreaterThan(20);
      }
      if (path === CH5) {
        const out = await text(cells.first().locator('.cell-output'));
        expect(out).toContain(`events: ${manifest.sample.rows} columns: ${manifest.sample.columns.length}`);
        const diff = Number(out.match(/largest \|difference\| \(GeV\): tensor\(([\d.e+-]+)\)/)?.[1]);
        expect(diff).toBeLessThan(0.05);
      } else {
        const out = await text(cells.first().locator('.cell-output'));
        expect(out).toMatch(/sizes \d+ \d+ \d+/);
      }
      await done(o);
    });
  }
});

describe('widgets whose assets cannot be used say so', () => {
  async function openWith(path: string, route: (page: Page) => Promise<unknown>) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const uncaught: string[] = [];
    page.on('pageerror', (e) => uncaught.push(e.message));
    await route(page);
    await page.goto(new URL(path, site.url).href, { waitUntil: 'load' });
    return { page, uncaught };
  }
  const widgets: Record<string, string[]> = { [CH5]: ['event-display', 'feature-explorer'], [CH6]: ['prep-pipeline'] };

  for (const path of [CH5, CH6]) {
    it(`${path}: manifest.json missing (HTTP 404)`, async () => {
      const { page, uncaught } = await openWith(path, (p) => p.route('**/manifest.json', (r) => r.fulfill({ status: 404, body: 'not found' })));
      for (const tag of widgets[path]) {
        const err = page.locator(`${tag} .widget-error`);
        await expect.poll(() => err.count(), { timeout: 30_000 }).toBe(1);
        const msg = await text(err);
        expect(msg).toContain('manifest.json');
        expect(msg).toContain('HTTP 404');
        expect(msg).toContain('npm run precompute');
        expect(await page.locator(tag).getAttribute('data-state')).toBe('error');
      }
      expect(uncaught).toEqual([]);
      await page.context().close();
    });

    it(`${path}: manifest.json of an unknown schema version`, async () => {
      const body = JSON.stringify({ ...manifest, schemaVersion: 999 });
      const { page, uncaught } = await openWith(path, (p) => p.route('**/manifest.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body })));
      for (const tag of widgets[path]) {
        const err = page.locator(`${tag} .widget-error`);
        await expect.poll(() => err.count(), { timeout: 30_000 }).toBe(1);
        const msg = await text(err);
        expect(msg).toContain('schema version 999');
        expect(msg).toContain('manifest.json');
        expect(msg).toContain('npm run precompute -- --force');
      }
      expect(uncaught).toEqual([]);
      await page.context().close();
    });
  }

  it('features.json missing: the explorer says so, the event display still works', async () => {
    const { page, uncaught } = await openWith(CH5, (p) => p.route('**/features.json', (r) => r.fulfill({ status: 404, body: '' })));
    const err = page.locator('feature-explorer .widget-error');
    await expect.poll(() => err.count(), { timeout: 30_000 }).toBe(1);
    expect(await text(err)).toContain('features.json');
    await ready(page, 'event-display');
    expect(uncaught).toEqual([]);
    await page.context().close();
  });

  it('a truncated sample.bin is reported with its size', async () => {
    const { page, uncaught } = await openWith(CH6, (p) => p.route('**/sample.bin', (r) => r.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.alloc(100) })));
    const err = page.locator('prep-pipeline .widget-error');
    await expect.poll(() => err.count(), { timeout: 30_000 }).toBe(1);
    expect(await text(err)).toMatch(/sample\.bin.*100 bytes/);
    expect(uncaught).toEqual([]);
    await page.context().close();
  });
});

describe('numbers in the prose', () => {
  it('come from the precomputed assets, with no MDX expression left unevaluated', async () => {
    const fmt = (n: number) => n.toLocaleString('en-GB');
    const read = manifest.classCounts.signal + manifest.classCounts.background;
    const { train, val, test } = manifest.split.sizes;
    const ranking = rankFeatures(sample, sample.label, manifest.features);
    for (const path of [CH5, CH6]) {
      const o = await openPage(browser, site, path);
      const body = await text(o.page.locator('main'));
      expect(body).not.toMatch(/\{N\.|undefined|NaN/);
      expect(await o.page.locator('.katex-error').count()).toBe(0);
      if (path === CH5) {
        expect(body).toContain(`${fmt(read)} events, ${fmt(manifest.classCounts.signal)} signal`);
        expect(body).toContain(`ships ${fmt(manifest.sample.rows)} events from the test split`);
        expect(body).toContain(`the best single feature is ${ranking[0].name} (separation ${ranking[0].separation.toFixed(3)})`);
      } else {
        expect(body).toContain(`here ${fmt(train)} events`);
        expect(body).toContain(`${fmt(val)} events`);
        expect(body).toContain(`${fmt(test)} events`);
      }
      await done(o);
    }
  });
});

describe('accessibility and small screens', () => {
  for (const path of [CH5, CH6]) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${path} has no serious axe violations in ${scheme} mode`, async () => {
        const o = await openPage(browser, site, path, { colorScheme: scheme });
        for (const tag of path === CH5 ? ['event-display', 'feature-explorer'] : ['prep-pipeline']) await ready(o.page, tag);
        if (scheme === 'dark') expect(await o.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
        expect(await axeSeriousViolations(o.page)).toEqual([]);
        await done(o);
      });
    }
    it(`${path} fits a 360 px phone without sideways page scroll`, async () => {
      const o = await openPage(browser, site, path, { viewport: { width: 360, height: 740 }, isMobile: true });
      for (const tag of path === CH5 ? ['event-display', 'feature-explorer'] : ['prep-pipeline']) await ready(o.page, tag);
      expect(await o.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await axeSeriousViolations(o.page)).toEqual([]);
      await done(o);
    });
  }
});

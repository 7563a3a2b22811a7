/**
 * Chapters 7-9 (the Higgs classifier): trainer, run gallery, threshold explorer and ROC
 * widget operated by mouse and keyboard in Chromium over the built book, checked against
 * the precomputed assets the build shipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axeSeriousViolations, launchBrowser, openPage, pressOn, startSite, DIST, type OpenedPage, type Site } from './harness';
import { decodeTestScores, type Manifest, type RunMetrics } from '../../core/schema';
import { confusionAt, rocAuc } from '../../core/metrics';

let site: Site;
let browser: Browser;
beforeAll(async () => { site = await startSite(); browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); await site?.close(); });

const ASSETS = join(DIST, 'precomputed', 'ww-vs-tt-sim');
const manifest = () => JSON.parse(readFileSync(join(ASSETS, 'manifest.json'), 'utf8')) as Manifest;
const runMetrics = (id: string) => JSON.parse(readFileSync(join(ASSETS, 'runs', id, 'metrics.json'), 'utf8')) as RunMetrics;
const shipped = (id: string) => decodeTestScores(new Uint8Array(readFileSync(join(ASSETS, 'runs', id, 'test-scores.bin'))).buffer, runMetrics(id).testScores.count);

const attr = (page: Page, sel: string, name: string) => page.$eval(sel, (el, n) => (el as HTMLElement).dataset[n] ?? '', name);
const text = (page: Page, sel: string) => page.$eval(sel, (el) => el.textContent ?? '');
const waitAttr = (page: Page, sel: string, name: string, pred: string, timeout = 90_000) =>
  page.waitForFunction(([s, n, p]) => { const v = (document.querySelector(s) as HTMLElement | null)?.dataset[n]; return v !== undefined && new Function('v', `return ${p}`)(v); }, [sel, name, pred] as const, { timeout });

async function noAxe(page: Page) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; window.dispatchEvent(new Event('nn4hep:theme')); }, theme);
    const v = await axeSeriousViolations(page);
    expect(v, `${theme}: ${JSON.stringify(v)}`).toEqual([]);
  }
}

async function runCells(page: Page) {
  const cells = page.locator('code-cell');
  const n = await cells.count();
  expect(n).toBeGreaterThan(0);
  const outputs: string[] = [];
  for (let i = 0; i < n; i++) {
    const cell = cells.nth(i);
    await cell.locator('.cell-run').click();
    await expect.poll(() => cell.locator('.cell-status').textContent(), { timeout: 90_000 }).toMatch(/Finished/);
    const out = (await cell.locator('.cell-output').textContent()) ?? '';
    expect(out).not.toMatch(/error/i);
    outputs.push(out);
  }
  return outputs;
}

describe('chapter 7: trainer and run gallery', () => {
  let o: OpenedPage;
  beforeAll(async () => {
    o = await openPage(browser, site, 'chapters/training/');
    await waitAttr(o.page, 'nn-trainer', 'state', 'v === "ready"');
    await waitAttr(o.page, 'nn-run-gallery', 'state', 'v === "ready"');
  });
  afterAll(async () => { await o.page.context().close(); });

  it('the prose quotes the precomputed numbers and says where they come from', async () => {
    const m = manifest();
    const body = await text(o.page, 'main');
    expect(body).toContain(`${m.profile} profile`);
    expect(body).toContain(m.backend.name);
    const r12 = runMetrics('r12-f5-notebook');
    expect(body).toContain(`(r12, ${r12.history.length} epochs`);
    expect(body).toContain(`): test accuracy ${(100 * r12.test.accuracy).toFixed(1)} %, AUC ${r12.auc.toFixed(3)}`);
    expect(await o.page.$$eval('main .katex-error', (e) => e.length)).toBe(0);
  });

  it('trains several epochs in the worker with live loss curves; the tensor count stays flat across epochs and re-training', async () => {
    const p = o.page;
    await p.click('.tr-f5');
    await p.fill('.tr-epochs', '5');
    await p.selectOption('.tr-batch', '256');
    await p.click('.tr-train');
    await waitAttr(p, 'nn-trainer', 'state', 'v === "done"');
    expect(await attr(p, 'nn-trainer', 'epoch')).toBe('5');
    expect(await attr(p, 'nn-trainer', 'backend')).toBe('wasm');
    expect(await p.$eval('.tr-loss-plot [role=img]', (s) => s.getAttribute('aria-label'))).toMatch(/after 5 epochs/);
    const byEpoch = (await attr(p, 'nn-trainer', 'tensorsByEpoch')).split(',').map(Number);
    expect(byEpoch.length).toBe(5);
    // From epoch 2 on the best-epoch snapshot exists; nothing else may accumulate.
    expect(new Set(byEpoch.slice(1)).size).toBe(1);
    const after1 = Number(await attr(p, 'nn-trainer', 'numTensors'));
    expect(Number(await attr(p, 'nn-trainer', 'resultAuc'))).toBeGreaterThan(0.5);
    expect(await p.isVisible('.tr-result')).toBe(true);
    // Train again, by keyboard.
    await p.focus('.tr-train');
    await p.keyboard.press('Enter');
    await waitAttr(p, 'nn-trainer', 'state', 'v === "training"');
    await waitAttr(p, 'nn-trainer', 'state', 'v === "done"');
    const byEpoch2 = (await attr(p, 'nn-trainer', 'tensorsByEpoch')).split(',').map(Number);
    expect(byEpoch2).toEqual(byEpoch);
    expect(Number(await attr(p, 'nn-trainer', 'numTensors'))).toBe(after1);
  });

  it('Stop ends training early; Reset clears the curves', async () => {
    const p = o.page;
    await p.fill('.tr-epochs', '200');
    await p.selectOption('.tr-batch', '32');
    await p.click('.tr-train');
    await waitAttr(p, 'nn-trainer', 'epoch', 'Number(v) >= 1');
    await p.click('.tr-stop');
    await waitAttr(p, 'nn-trainer', 'state', 'v === "done"');
    expect(Number(await attr(p, 'nn-trainer', 'epoch'))).toBeLessThan(200);
    expect(await text(p, '.tr-status')).toMatch(/^Stopped after/);
    await p.click('.tr-reset');
    expect(await attr(p, 'nn-trainer', 'epoch')).toBe('0');
    expect(await p.$eval('.tr-loss-plot [role=img]', (s) => s.getAttribute('aria-label'))).toBe('Loss curves: no training yet.');
    expect(await p.isVisible('.tr-result')).toBe(false);
  });

  it('a configuration equal to a precomputed run shows that run\'s full-data result beside the reader\'s', async () => {
    const p = o.page;
    await p.selectOption('.tr-preset', 'r10-f5-relu-adam-wd');
    expect(await attr(p, 'nn-trainer', 'match')).toBe('r10-f5-relu-adam-wd');
    expect(await text(p, '.tr-match')).toContain('r10-f5-relu-adam-wd');
    expect(await p.inputValue('.tr-epochs')).toBe('20');
    // Any change breaks the match, changing it back restores it.
    await p.fill('.tr-lr', '0.04');
    expect(await attr(p, 'nn-trainer', 'match')).toBe('');
    expect(await text(p, '.tr-match')).toBe('');
    await p.fill('.tr-lr', '0.05');
    expect(await attr(p, 'nn-trainer', 'match')).toBe('r10-f5-relu-adam-wd');
    await p.click('.tr-train');
    await waitAttr(p, 'nn-trainer', 'state', 'v === "done"', 180_000);
    const r10 = runMetrics('r10-f5-relu-adam-wd');
    expect(await text(p, '.tr-full-head')).toContain('r10-f5-relu-adam-wd');
    const rows = await p.$$eval('.tr-result-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // Cells: [your network on the sample, the precomputed run on all events].
    const accRow = rows.find((r) => r[0]?.includes('%'))!;
    expect(accRow[0]).toBe(`${(100 * Number(await attr(p, 'nn-trainer', 'resultAccuracy'))).toFixed(1)} %`);
    expect(accRow[1]).toBe(`${(100 * r10.test.accuracy).toFixed(1)} %`);
    const aucRow = rows.find((r) => r[1] === r10.auc.toFixed(3));
    expect(aucRow?.[0]).toBe(Number(await attr(p, 'nn-trainer', 'resultAuc')).toFixed(3));
  }, 240_000);

  it('gallery: every run in the table; selection by mouse and keyboard overlays curves', async () => {
    const p = o.page;
    const m = manifest();
    expect(await p.$$eval('.rg-table tbody tr', (r) => r.length)).toBe(m.runs.length);
    const auc = await p.$eval('.rg-table tbody tr[data-run="r14-f26-best"] td[data-col="auc"]', (td) => td.textContent);
    expect(auc).toBe(runMetrics('r14-f26-best').auc.toFixed(3));
    const sel0 = await attr(p, 'nn-run-gallery', 'selected');
    expect(sel0.split(',').sort()).toEqual(['r12-f5-notebook', 'r14-f26-best']);
    // Keyboard: focus the r09 checkbox and press Space.
    await p.focus('.rg-table tbody tr[data-run="r09-f5-relu-sgd"] input');
    await p.keyboard.press('Space');
    expect((await attr(p, 'nn-run-gallery', 'selected')).split(',')).toContain('r09-f5-relu-sgd');
    expect(await text(p, '.rg-legend')).toContain('r09-f5-relu-sgd');
    expect(await p.$eval('.rg-roc-plot [role=img]', (s) => s.getAttribute('aria-label'))).toContain('r09-f5-relu-sgd');
    // Mouse: untick r12.
    await p.click('.rg-table tbody tr[data-run="r12-f5-notebook"] input');
    expect((await attr(p, 'nn-run-gallery', 'selected')).split(',')).not.toContain('r12-f5-notebook');
    expect(await p.$eval('.rg-loss-plot [role=img]', (s) => s.getAttribute('aria-label'))).not.toContain('r12-f5-notebook');
    await p.click('.rg-none');
    expect(await attr(p, 'nn-run-gallery', 'selected')).toBe('');
    expect(await text(p, '.rg-legend')).toContain('No run selected');
  });

  for (const id of ['r12-f5-notebook', 'r01-f26-unscaled-sgd', 'r14-f26-best']) {
    it(`gallery: ${id} loaded with tf.loadLayersModel scores the sample as the precompute did (to 1e-5)`, async () => {
      const p = o.page;
      await p.selectOption('.rg-model', id);
      await p.click('.rg-score');
      await waitAttr(p, 'nn-run-gallery', 'scoredRun', `v === ${JSON.stringify(id)}`);
      await waitAttr(p, 'nn-run-gallery', 'scoring', 'v === "false"');
      expect(Number(await attr(p, 'nn-run-gallery', 'scored'))).toBe(manifest().sample.rows);
      const diff = Number(await attr(p, 'nn-run-gallery', 'maxDiff'));
      expect(Number.isFinite(diff)).toBe(true);
      expect(diff).toBeLessThan(1e-5);
      expect(await text(p, '.rg-score-out')).toContain(id);
    });
  }

  it('the code cells run without errors; the training loop keeps the tensor count flat', async () => {
    const [loop] = await runCells(o.page);
    const counts = [...loop.matchAll(/tensors in memory (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.length).toBe(6);
    expect(new Set(counts).size).toBe(1);
    expect(loop).toMatch(/after disposing: 0 tensors/);
  });

  it('no console errors; axe clean in light and dark', async () => {
    expect(o.errors).toEqual([]);
    await noAxe(o.page);
  });
});

describe('chapter 7: the feature selection from chapter 5 carries over', () => {
  it('the trainer starts from the features saved in localStorage', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => localStorage.setItem('nn4hep-feature-selection', JSON.stringify(['HT_all', 'MissingEnergy', 'not_a_feature'])));
    const page = await context.newPage();
    await page.goto(new URL('chapters/training/', site.url).href);
    await waitAttr(page, 'nn-trainer', 'state', 'v === "ready"');
    const checked = await page.$$eval('.tr-feature-list input:checked', (b) => b.map((x) => (x as HTMLInputElement).value));
    expect(checked.sort()).toEqual(['HT_all', 'MissingEnergy']);
    expect(await text(page, '.tr-nfeat')).toBe('2');
    expect(await page.isDisabled('.tr-fsaved')).toBe(false);
    await context.close();
  });
});

describe('chapter 8: threshold explorer', () => {
  let o: OpenedPage;
  beforeAll(async () => {
    o = await openPage(browser, site, 'chapters/evaluation/');
    await waitAttr(o.page, 'nn-threshold-explorer', 'state', 'v === "ready"');
  });
  afterAll(async () => { await o.page.context().close(); });

  const counts = async (p: Page) => {
    const [tn, fp, fn, tp] = await Promise.all(['tn', 'fp', 'fn', 'tp'].map((k) => attr(p, 'nn-threshold-explorer', k)));
    return { tn: Number(tn), fp: Number(fp), fn: Number(fn), tp: Number(tp) };
  };

  it('arrow keys step the threshold; the confusion matrix matches a full pass over the shipped test scores', async () => {
    const p = o.page;
    const run = await attr(p, 'nn-threshold-explorer', 'run');
    expect(run).toBe('r12-f5-notebook');
    const { scores, labels } = shipped(run);
    expect(Number(await attr(p, 'nn-threshold-explorer', 'n'))).toBe(scores.length);
    const at05 = await counts(p);
    expect(at05).toEqual(runMetrics(run).test.confusion);
    let prevCalled = at05.tp + at05.fp;
    for (let i = 0; i < 6; i++) {
      await pressOn(p, '.te-thr', 'ArrowRight', 5);
      const t = Number(await attr(p, 'nn-threshold-explorer', 'threshold'));
      expect(t).toBeCloseTo(0.5 + 0.025 * (i + 1), 9);
      const c = await counts(p);
      expect(c.tn + c.fp + c.fn + c.tp).toBe(scores.length);
      expect(c).toEqual(confusionAt(labels, scores, t));
      expect(c.tp + c.fp).toBeLessThanOrEqual(prevCalled);
      prevCalled = c.tp + c.fp;
      expect(await text(p, '.te-tp')).toBe(c.tp.toLocaleString('en-GB'));
    }
    await pressOn(p, '.te-thr', 'Home');
    const all = await counts(p);
    expect(all.tn + all.fn).toBe(scores.filter((s) => s < 0).length);
    const before = await p.$eval('.te-dot', (d) => d.getAttribute('cx'));
    await pressOn(p, '.te-thr', 'End');
    expect(await p.$eval('.te-dot', (d) => d.getAttribute('cx'))).not.toBe(before);
  });

  it('dragging on the histogram moves the threshold', async () => {
    const p = o.page;
    const box = (await p.locator('.te-hist svg').boundingBox())!;
    await p.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await p.mouse.up();
    const t = Number(await attr(p, 'nn-threshold-explorer', 'threshold'));
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThan(0.8);
    expect(Number(await p.inputValue('.te-thr'))).toBeCloseTo(t, 2);
    const c = await counts(p);
    const { scores, labels } = shipped('r12-f5-notebook');
    expect(c).toEqual(confusionAt(labels, scores, t));
    const x = Number(await p.$eval('.te-line', (l) => l.getAttribute('x1')));
    expect(x).toBeGreaterThan(0);
  });

  it('permutation importance for runs that have it, a note for runs that do not; switching runs reloads the scores', async () => {
    const p = o.page;
    expect(await p.$$eval('.te-imp [role=img]', (e) => e.length)).toBe(1);
    expect(await p.$eval('.te-imp [role=img]', (s) => s.getAttribute('aria-label'))).toMatch(/Permutation importance of r12-f5-notebook/);
    await p.selectOption('.te-run', 'r09-f5-relu-sgd');
    await waitAttr(p, 'nn-threshold-explorer', 'run', 'v === "r09-f5-relu-sgd"');
    await p.waitForFunction(() => /computed permutation importance only/.test(document.querySelector('.te-imp-note')?.textContent ?? ''));
    expect(await text(p, '.te-imp-note')).toContain('r12-f5-notebook');
    const t = Number(await attr(p, 'nn-threshold-explorer', 'threshold'));
    const { scores, labels } = shipped('r09-f5-relu-sgd');
    expect(await counts(p)).toEqual(confusionAt(labels, scores, t));
  });

  it('the code cell runs; no console errors; axe clean in light and dark', async () => {
    const [out] = await runCells(o.page);
    expect(out).toContain('TN 5 FP 2 FN 1 TP 2');
    expect(out).toContain('weighted precision 0.733');
    expect(o.errors).toEqual([]);
    await noAxe(o.page);
  });
});

describe('chapter 9: ROC and AUC', () => {
  let o: OpenedPage;
  beforeAll(async () => {
    o = await openPage(browser, site, 'chapters/roc-auc/');
    await waitAttr(o.page, 'nn-roc-auc', 'state', 'v === "ready"');
  });
  afterAll(async () => { await o.page.context().close(); });

  it('play traces the curve, pause stops it; the slider sweeps by keyboard from (0,0) to (1,1)', async () => {
    const p = o.page;
    expect(await attr(p, 'nn-roc-auc', 'step')).toBe('0');
    await p.click('.ra-play');
    expect(await p.getAttribute('.ra-play', 'aria-pressed')).toBe('true');
    await waitAttr(p, 'nn-roc-auc', 'step', 'Number(v) >= 10');
    await p.click('.ra-play');
    expect(await p.getAttribute('.ra-play', 'aria-pressed')).toBe('false');
    const stopped = Number(await attr(p, 'nn-roc-auc', 'step'));
    await p.waitForTimeout(300);
    expect(Number(await attr(p, 'nn-roc-auc', 'step'))).toBe(stopped);
    await pressOn(p, '.ra-step', 'End');
    expect(Number(await attr(p, 'nn-roc-auc', 'tpr'))).toBe(1);
    expect(Number(await attr(p, 'nn-roc-auc', 'fpr'))).toBe(1);
    expect(Number(await text(p, '.ra-area'))).toBeCloseTo(runMetrics('r14-f26-best').auc, 2);
    await pressOn(p, '.ra-step', 'Home');
    expect(Number(await attr(p, 'nn-roc-auc', 'tpr'))).toBe(0);
    await pressOn(p, '.ra-step', 'ArrowRight', 3);
    expect(await attr(p, 'nn-roc-auc', 'step')).toBe('3');
  });

  it('sampled pairs approach the AUC', async () => {
    const p = o.page;
    await p.click('.ra-pairs10');
    expect(await attr(p, 'nn-roc-auc', 'pairs')).toBe('10');
    await p.click('.ra-pairs1000');
    expect(await attr(p, 'nn-roc-auc', 'pairs')).toBe('1010');
    const frac = Number(await attr(p, 'nn-roc-auc', 'pairsCorrect')) / 1010;
    const { scores, labels } = shipped('r14-f26-best');
    expect(Math.abs(frac - rocAuc(labels, scores))).toBeLessThan(0.05);
    await p.click('.ra-pairs-reset');
    expect(await attr(p, 'nn-roc-auc', 'pairs')).toBe('0');
  });

  it('the Gaussian separation control changes the AUC as Φ(d/√2)', async () => {
    const p = o.page;
    expect(Number(await attr(p, 'nn-roc-auc', 'gaussAuc'))).toBeCloseTo(0.7602, 3);
    await pressOn(p, '.ra-sep', 'ArrowLeft', 10);
    expect(Number(await attr(p, 'nn-roc-auc', 'gaussAuc'))).toBeCloseTo(0.5, 6);
    await pressOn(p, '.ra-sep', 'ArrowRight', 20);
    expect(Number(await attr(p, 'nn-roc-auc', 'gaussAuc'))).toBeCloseTo(0.9214, 3);
  });

  it('working points at 0.5, 0.7, 0.9 with rejections as computed from the shipped scores', async () => {
    const p = o.page;
    expect(await p.$$eval('.ra-wp tbody tr', (r) => r.length)).toBe(3);
    const rej = (await attr(p, 'nn-roc-auc', 'rejection')).split(',').map(Number);
    const { scores, labels } = shipped('r14-f26-best');
    const sig = Array.from(scores).filter((_, i) => labels[i] === 1).sort((a, b) => a - b);
    [0.5, 0.7, 0.9].forEach((e, k) => {
      const t = sig[sig.length - Math.ceil(e * sig.length - 1e-9)];
      const c = confusionAt(labels, scores, t);
      const eb = c.fp / (c.fp + c.tn);
      expect(rej[k]).toBeCloseTo(c.fp === 0 ? Infinity : 1 / eb, 9);
    });
    expect(rej[0]).toBeGreaterThanOrEqual(rej[2]);
  });

  it('the code cell runs (area and pairs agree); no console errors; axe clean in light and dark', async () => {
    const [out] = await runCells(o.page);
    const area = out.match(/area under the ROC curve: ([\d.]+)/)![1];
    const pairs = out.match(/ordered correctly: ([\d.]+)/)![1];
    expect(area).toBe(pairs);
    expect(o.errors).toEqual([]);
    await noAxe(o.page);
  });
});

describe('missing or incompatible assets are reported in the page', () => {
  for (const [name, fulfil] of [
    ['a manifest that answers 404', { status: 404, body: 'not found' }],
    ['a manifest of schema version 999', null],
  ] as const) {
    for (const path of ['chapters/training/', 'chapters/evaluation/', 'chapters/roc-auc/']) {
      it(`${name}: ${path}`, async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.route('**/precomputed/*/manifest.json', async (route) => {
          if (fulfil) return route.fulfill(fulfil);
          const res = await route.fetch();
          const json = await res.json();
          return route.fulfill({ response: res, json: { ...json, schemaVersion: 999 } });
        });
        await page.goto(new URL(path, site.url).href);
        const widgets = await page.$$eval('nn-trainer, nn-run-gallery, nn-threshold-explorer, nn-roc-auc', (w) => w.length);
        expect(widgets).toBeGreaterThan(0);
        await page.waitForFunction((n) => document.querySelectorAll('.widget-error').length >= n, widgets, { timeout: 30_000 });
        const msgs = await page.$$eval('.widget-error', (e) => e.map((x) => x.textContent ?? ''));
        for (const m of msgs) {
          expect(m).toContain('manifest.json');
          expect(m).toContain('npm run precompute');
          if (!fulfil) expect(m).toContain('schema version 999');
          else expect(m).toContain('HTTP 404');
        }
        await context.close();
      });
    }
  }
});

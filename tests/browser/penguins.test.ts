/**
 * Chapters 2-4 widgets, operated by mouse and keyboard in Chromium over the built book.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeSeriousViolations, launchBrowser, openPage, pressOn, startSite, type OpenedPage, type Site } from './harness';

let site: Site;
let browser: Browser;
beforeAll(async () => { site = await startSite(); browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); await site?.close(); });

const attr = (page: Page, sel: string, name: string) => page.$eval(sel, (el, n) => (el as HTMLElement).dataset[n] ?? '', name);
const text = (page: Page, sel: string) => page.$eval(sel, (el) => el.textContent ?? '');
const waitAttr = (page: Page, sel: string, name: string, pred: string, timeout = 60_000) =>
  page.waitForFunction(([s, n, p]) => { const v = (document.querySelector(s) as HTMLElement | null)?.dataset[n]; return v !== undefined && new Function('v', `return ${p}`)(v); }, [sel, name, pred] as const, { timeout });

/**
 * Clicks a probe button (a real click through the browser) while `widget`
 * trains, and reports what the widget said when the handler ran. Training
 * happens in a worker, so the click is handled mid-training, and training goes
 * on afterwards; a blocked main thread would handle it only at the end.
 * (How fast the page answers is measured by the benchmark, not by a test.)
 */
async function clickDuringTraining(page: Page, widget: string): Promise<void> {
  await page.evaluate((w) => {
    const b = document.createElement('button');
    b.id = 'probe';
    b.textContent = 'probe';
    document.body.append(b);
    b.addEventListener('click', () => {
      const el = document.querySelector(w) as HTMLElement;
      b.dataset.state = el.dataset.state;
      b.dataset.updates = el.dataset.updates;
    });
  }, widget);
  await page.click('#probe');
  const seen = await page.$eval('#probe', (b) => ({ state: (b as HTMLElement).dataset.state, updates: Number((b as HTMLElement).dataset.updates) }));
  await page.$eval('#probe', (b) => b.remove());
  expect(seen.state, `${widget} when the click was handled`).toBe('training');
  await waitAttr(page, widget, 'updates', `Number(v) > ${seen.updates}`, 120_000);
}

async function noAxe(page: Page) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; window.dispatchEvent(new Event('nn4hep:theme')); }, theme);
    const v = await axeSeriousViolations(page);
    expect(v, `${theme}: ${JSON.stringify(v)}`).toEqual([]);
  }
}

describe('chapter 2: least squares and polynomial fit', () => {
  let o: OpenedPage;
  beforeAll(async () => { o = await openPage(browser, site, 'chapters/linear-regression/'); await waitAttr(o.page, 'ls-explorer', 'state', 'v === "ready"'); });
  afterAll(async () => { await o.page.context().close(); });

  it('shows the fitted numbers computed at build time, matching the widget', async () => {
    const body = await text(o.page, 'main');
    expect(body).toContain('333 penguins');
    expect(body).toContain('50.15 g per mm');
    expect(Number(await attr(o.page, 'ls-explorer', 'slope'))).toBeCloseTo(50.15326594224113, 8);
    expect(await o.page.$$eval('main table tbody tr', (r) => r.length)).toBe(11);
  });
  it('least-squares explorer: input select, prediction slider by keyboard, residuals, several inputs', async () => {
    const p = o.page;
    expect(await text(p, '.ls-pred')).toContain('9,174 g at 300 mm');
    await pressOn(p, '.ls-at', 'ArrowLeft', 10);
    expect(await text(p, '.ls-pred')).toContain('at 290 mm');
    await p.selectOption('.ls-input', 'bill_depth_mm');
    expect(Number(await attr(p, 'ls-explorer', 'slope'))).toBeLessThan(0);
    const before = await p.$eval('.ls-plot svg', (s) => s.getAttribute('aria-label'));
    await p.click('.ls-resid');
    expect(await p.$eval('.ls-plot svg', (s) => s.getAttribute('aria-label'))).not.toBe(before);
    expect(await p.$eval('.ls-plot svg', (s) => s.getAttribute('aria-label'))).toMatch(/^Residuals/);
    expect(Number(await attr(p, 'ls-explorer', 'multiR2'))).toBeCloseTo(0.7639366781169294, 8);
    await p.click('.ls-multi input[value="bill_length_mm"]');
    await p.click('.ls-multi input[value="bill_depth_mm"]');
    expect(Number(await attr(p, 'ls-explorer', 'multiR2'))).toBeCloseTo(0.7620921573403914, 8);
  });
  it('polynomial fit: degree by keyboard; held-out R² worse than fitted R² at degree 12', async () => {
    const p = o.page;
    await pressOn(p, '.pf-deg', 'End');
    expect(await attr(p, 'poly-fit', 'degree')).toBe('12');
    const train = Number(await attr(p, 'poly-fit', 'r2Train')), test = Number(await attr(p, 'poly-fit', 'r2Test'));
    expect(train).toBeGreaterThan(test);
    await pressOn(p, '.pf-deg', 'Home');
    expect(await attr(p, 'poly-fit', 'degree')).toBe('1');
    const r2a = await attr(p, 'poly-fit', 'r2Train');
    await p.click('.pf-seed');
    expect(await attr(p, 'poly-fit', 'r2Train')).not.toBe(r2a);
  });
  it('a runnable cell cleans the real file to 333 rows', async () => {
    const p = o.page;
    const cell = p.locator('code-cell').first();
    await cell.locator('.cell-run').click();
    await p.waitForFunction(() => /complete rows: 333/.test(document.querySelector('code-cell .cell-output')?.textContent ?? ''), null, { timeout: 60_000 });
  });
  it('axe clean in light and dark; no console errors', async () => {
    await noAxe(o.page);
    expect(o.errors).toEqual([]);
    expect(o.externalRequests).toEqual([]);
  });
});

describe('chapter 3: gradient descent, plane, network', () => {
  let o: OpenedPage;
  beforeAll(async () => { o = await openPage(browser, site, 'chapters/gradient-descent/'); await waitAttr(o.page, 'gd-trainer', 'state', 'v === "idle"'); });
  afterAll(async () => { await o.page.context().close(); });

  it('trainer: trains live, updates the loss curve several times, Stop stops, Reset restores the start', async () => {
    const p = o.page;
    await p.waitForFunction(() => (document.querySelector('gd-trainer') as HTMLElement).dataset.w !== undefined);
    const w0 = await attr(p, 'gd-trainer', 'w');
    await p.selectOption('.gd-steps', '20000');
    await p.click('.gd-train');
    await waitAttr(p, 'gd-trainer', 'updates', 'Number(v) >= 4');
    await clickDuringTraining(p, 'gd-trainer');
    await p.click('.gd-stop');
    await waitAttr(p, 'gd-trainer', 'state', 'v === "stopped"');
    const steps = Number(await attr(p, 'gd-trainer', 'steps'));
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(20000);
    await p.waitForTimeout(300);
    expect(Number(await attr(p, 'gd-trainer', 'steps'))).toBe(steps);
    expect(await attr(p, 'gd-trainer', 'w')).not.toBe(w0);
    await p.click('.gd-reset');
    await p.waitForFunction((w) => (document.querySelector('gd-trainer') as HTMLElement).dataset.w === w, w0);
    expect(await attr(p, 'gd-trainer', 'steps')).toBe('0');
    expect(await text(p, '.gd-loss-plot svg')).toContain('Press Train');
  });
  it('trainer: standardised SGD converges to the closed form; raw SGD at lr 0.01 diverges with a message', async () => {
    const p = o.page;
    await p.selectOption('.gd-inputs', 'std');
    await p.selectOption('.gd-opt', 'sgd');
    await pressOn(p, '.gd-lr', 'ArrowRight', 10); // 10^-1
    expect(await text(p, '.gd-lr-out')).toBe('0.1');
    await p.selectOption('.gd-steps', '2000');
    await p.click('.gd-train');
    await waitAttr(p, 'gd-trainer', 'state', 'v === "finished"');
    expect(Number(await attr(p, 'gd-trainer', 'w'))).toBeCloseTo(50.15326594224113, 4);
    await p.selectOption('.gd-inputs', 'raw');
    await pressOn(p, '.gd-lr', 'ArrowLeft', 10); // 10^-2
    await p.click('.gd-train');
    await waitAttr(p, 'gd-trainer', 'state', 'v === "diverged"');
    expect(await text(p, '.gd-status')).toMatch(/learning rate is too large/);
    expect(await text(p, '.gd-fit')).not.toMatch(/NaN/);
  });
  it('fitted plane rotates by keyboard and by dragging', async () => {
    const p = o.page;
    await p.locator('.fp-view').scrollIntoViewIfNeeded();
    const az0 = Number(await attr(p, 'fitted-plane', 'az'));
    await pressOn(p, '.fp-view', 'ArrowRight', 3);
    expect(Number(await attr(p, 'fitted-plane', 'az'))).toBe(az0 + 30);
    await pressOn(p, '.fp-view', 'ArrowUp', 2);
    const el = Number(await attr(p, 'fitted-plane', 'el'));
    const box = (await p.locator('.fp-view').boundingBox())!;
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2 + 20, { steps: 8 });
    await p.mouse.up();
    expect(Number(await attr(p, 'fitted-plane', 'az'))).not.toBe(az0 + 30);
    expect(Number(await attr(p, 'fitted-plane', 'el'))).not.toBe(el);
    await pressOn(p, '.fp-view', 'Home');
    expect(Number(await attr(p, 'fitted-plane', 'az'))).toBe(az0);
  });
  it('network regression: trains in TF.js, curve redraws, Stop, tensors do not leak, Reset', async () => {
    const p = o.page;
    await p.locator('net-regression').scrollIntoViewIfNeeded();
    await pressOn(p, '.nr-h', 'ArrowLeft', 30);
    expect(await text(p, '.nr-h-out')).toBe('20');
    await p.selectOption('.nr-act', 'tanh');
    await p.selectOption('.nr-epochs', '3000');
    await p.click('.nr-train');
    await waitAttr(p, 'net-regression', 'updates', 'Number(v) >= 5', 120_000);
    await clickDuringTraining(p, 'net-regression');
    const t1 = Number(await attr(p, 'net-regression', 'tensors'));
    await waitAttr(p, 'net-regression', 'updates', 'Number(v) >= 8', 120_000);
    expect(Number(await attr(p, 'net-regression', 'tensors'))).toBe(t1); // flat across steps (pitfalls #3)
    expect(await p.$eval('.nr-plot svg', (s) => s.getAttribute('aria-label'))).toMatch(/network's curve/);
    await p.click('.nr-stop');
    await waitAttr(p, 'net-regression', 'state', 'v === "stopped"');
    const after = Number(await attr(p, 'net-regression', 'tensorsAfter'));
    expect(Number(await attr(p, 'net-regression', 'epochs'))).toBeLessThan(3000);
    // Train again: the count after the second run equals the first (nothing left behind).
    await p.selectOption('.nr-epochs', '200');
    await p.click('.nr-train');
    await waitAttr(p, 'net-regression', 'state', 'v === "finished"', 120_000);
    expect(Number(await attr(p, 'net-regression', 'tensorsAfter'))).toBe(after);
    expect(await text(p, '.nr-backend')).toMatch(/wasm/);
    await p.click('.nr-reset');
    expect(await attr(p, 'net-regression', 'epochs')).toBe('0');
    expect(await p.$eval('.nr-plot svg', (s) => s.getAttribute('aria-label'))).toMatch(/no network trained yet/);
  });
  it('axe clean in light and dark; no console errors', async () => {
    await noAxe(o.page);
    expect(o.errors).toEqual([]);
  });
});

describe('chapter 4: classifier', () => {
  let o: OpenedPage;
  beforeAll(async () => { o = await openPage(browser, site, 'chapters/classification/'); await waitAttr(o.page, 'penguin-classifier', 'state', 'v === "idle"'); });
  afterAll(async () => { await o.page.context().close(); });

  it('states the converged logistic numbers, computed at build time', async () => {
    const body = await text(o.page, 'main');
    expect(body).toContain('P(Adelie) = 0.9994');
    expect(body).toContain('1.356');
  });
  it('logistic: select by keyboard and click, train live, Stop, converge to scikit-learn, Reset', async () => {
    const p = o.page;
    await p.locator('penguin-classifier').scrollIntoViewIfNeeded();
    expect(await attr(p, 'penguin-classifier', 'selected')).toBe('60');
    expect(await attr(p, 'penguin-classifier', 'probs')).toBe('0.5,0.5');
    await p.focus('.pc-next');
    await p.keyboard.press('Enter');
    expect(await attr(p, 'penguin-classifier', 'selected')).toBe('61');
    await p.fill('.pc-sel', '61');
    await p.press('.pc-sel', 'Enter');
    expect(await attr(p, 'penguin-classifier', 'selected')).toBe('60');
    await p.click('.pc-train');
    await waitAttr(p, 'penguin-classifier', 'updates', 'Number(v) >= 4');
    await clickDuringTraining(p, 'penguin-classifier');
    await p.click('.pc-stop');
    await waitAttr(p, 'penguin-classifier', 'state', 'v === "stopped"');
    await p.click('.pc-train');
    await waitAttr(p, 'penguin-classifier', 'state', 'v === "converged"', 120_000);
    const [w1, w2, b] = (await attr(p, 'penguin-classifier', 'model')).split(',').map(Number);
    expect(w1).toBeCloseTo(1.356321508677624, 3);
    expect(w2).toBeCloseTo(-1.922197068338254, 3);
    expect(b).toBeCloseTo(-24.508736386870474, 2);
    const probs = (await attr(p, 'penguin-classifier', 'probs')).split(',').map(Number);
    expect(probs[0]).toBeCloseTo(0.9994466217906162, 4);
    expect(await text(p, '.pc-selected')).toMatch(/P\(Adelie\) = 0\.9994/);
    // Click on another penguin in the plot selects it.
    await p.waitForTimeout(400);
    await p.locator('.pc-plot').scrollIntoViewIfNeeded();
    const target = await p.evaluate(() => {
      const fig = document.querySelector('.pc-plot')!.firstElementChild as any;
      const svg = document.querySelector('.pc-plot svg') as SVGSVGElement;
      const r = svg.getBoundingClientRect();
      return { x: r.left + fig.scale('x').apply(50.0), y: r.top + fig.scale('y').apply(19.5) };
    });
    await p.mouse.click(target.x, target.y);
    expect(await attr(p, 'penguin-classifier', 'selected')).not.toBe('60');
    await p.click('.pc-reset');
    expect(await attr(p, 'penguin-classifier', 'state')).toBe('idle');
    expect(await attr(p, 'penguin-classifier', 'steps')).toBe('0');
  });
  it('softmax over three species converges; the network trains live and reports flat tensor counts', async () => {
    const p = o.page;
    await p.selectOption('.pc-mode', 'softmax');
    await p.click('.pc-train');
    await waitAttr(p, 'penguin-classifier', 'state', 'v === "converged"', 120_000);
    expect(Number(await attr(p, 'penguin-classifier', 'accuracy'))).toBeCloseTo(0.963963963963964, 6);
    await p.selectOption('.pc-mode', 'net');
    await p.click('.pc-train');
    await waitAttr(p, 'penguin-classifier', 'updates', 'Number(v) >= 5', 120_000);
    await clickDuringTraining(p, 'penguin-classifier');
    const t = await attr(p, 'penguin-classifier', 'tensors');
    await waitAttr(p, 'penguin-classifier', 'updates', 'Number(v) >= 8', 120_000);
    expect(await attr(p, 'penguin-classifier', 'tensors')).toBe(t);
    await waitAttr(p, 'penguin-classifier', 'state', 'v === "finished"', 180_000);
    expect(Number(await attr(p, 'penguin-classifier', 'accuracy'))).toBeGreaterThan(0.9);
  });
  it('axe clean in light and dark; no console errors', async () => {
    await noAxe(o.page);
    expect(o.errors).toEqual([]);
  });
});

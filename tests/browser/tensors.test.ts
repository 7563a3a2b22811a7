/**
 * Chapter 1 (Tensors) in a real browser: runnable cells (output, errors, Stop), the PyTorch/TF.js
 * tabs, the projectile widget and the shape playground, operated by mouse and by keyboard alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, openPage, pressOn, startSite, type OpenedPage, type Site } from './harness';

const PATH = 'chapters/tensors/';
let site: Site;
let browser: Browser;
const opened: OpenedPage[] = [];

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(): Promise<OpenedPage> {
  const o = await openPage(browser, site, PATH);
  opened.push(o);
  return o;
}
async function done(o: OpenedPage) {
  expect(o.errors, 'console errors').toEqual([]);
  expect(o.failedRequests, 'failed requests').toEqual([]);
  await o.page.context().close();
}

/** Run a cell and wait until it has finished or failed. */
async function runCell(cell: Locator): Promise<string> {
  await cell.locator('.cell-run').click();
  await expect.poll(() => cell.locator('.cell-run').isDisabled(), { timeout: 60_000 }).toBe(false);
  return (await cell.locator('.cell-output').textContent()) ?? '';
}

const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('runnable code cells', () => {
  it('a cell runs and prints tensors like PyTorch, with shape and dtype', async () => {
    const o = await open();
    const cell = o.page.locator('code-cell').first();
    const out = await runCell(cell);
    expect(out).toContain('tensor([[1., 2., 3.],\n        [4., 5., 6.]])');
    expect(out).toContain('shape [2, 3], dtype float32');
    expect(out).toContain('tensor([[0., 0., 0.],');
    expect(await cell.locator('.cell-status').textContent()).toMatch(/Finished in \d+ ms on the wasm backend/);
    await done(o);
  });

  it('an edited cell runs the edited code (Ctrl+Enter from the editor)', async () => {
    const o = await open();
    const cell = o.page.locator('code-cell').first();
    await cell.locator('.cell-editor').fill('const v = tf.tensor([2, 4]).mul(tf.tensor([3, 5]));\nconsole.log(v);');
    await cell.locator('.cell-editor').press('Control+Enter');
    await expect.poll(() => cell.locator('.cell-status').textContent(), { timeout: 60_000 }).toMatch(/Finished/);
    expect(await cell.locator('.cell-output').textContent()).toContain('tensor([ 6., 20.])');
    await done(o);
  });

  it('every cell in the chapter runs; the mismatch cell shows the TF.js error', async () => {
    const o = await open();
    const cells = o.page.locator('code-cell');
    const n = await cells.count();
    expect(n).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < n; i++) {
      const cell = cells.nth(i);
      const label = await cell.locator('.cell-label').textContent();
      const out = await runCell(cell);
      const status = await cell.locator('.cell-status').textContent();
      if (label?.includes('shape mismatch')) {
        expect(out).toContain('Operands could not be broadcast together with shapes 3 and 4.');
        expect(status).toMatch(/error/);
      } else {
        expect(status, `${label}: ${out}`).toMatch(/Finished/);
        expect(out.length).toBeGreaterThan(0);
      }
      if (label?.includes('trajectories')) expect(out).toContain('y [100, 1000]');
      if (label?.includes('highest point')) expect(out).toContain('[100, 1000] -> [100] and [100]');
      if (label?.includes('mask')) expect(out).toContain('tensor([45., 80., 33.])');
    }
    await done(o);
  });

  it('Stop ends a runaway cell, the page stays responsive, and the cell works again', async () => {
    const o = await open();
    const cell = o.page.locator('code-cell').first();
    await cell.locator('.cell-editor').fill('while (true) {}');
    await cell.locator('.cell-run').click();
    await expect.poll(() => cell.locator('.cell-status').textContent(), { timeout: 60_000 }).toMatch(/running/i);
    await o.page.waitForTimeout(1500);
    expect(await cell.locator('.cell-stop').isEnabled()).toBe(true);
    // The loop runs in a worker: the page itself still answers (on the main thread
    // this evaluate would never return, and the test would fail on its timeout).
    expect(await o.page.evaluate(() => 1 + 1)).toBe(2);
    await cell.locator('.cell-stop').click();
    expect(await cell.locator('.cell-output').textContent()).toContain('Stopped by you');
    expect(await cell.locator('.cell-status').textContent()).toBe('Stopped.');
    await cell.locator('.cell-reset').click();
    const out = await runCell(cell);
    expect(out).toContain('tensor([[1., 2., 3.],');
    expect(await cell.locator('.cell-status').textContent()).toMatch(/Finished/);
    await done(o);
  });

  it('a cell queued behind a runaway cell is released when the runaway is stopped', async () => {
    const o = await open();
    const cells = o.page.locator('code-cell');
    const runaway = cells.nth(0);
    const waiting = cells.nth(1);
    await runaway.locator('.cell-editor').fill('while (true) {}');
    await runaway.locator('.cell-run').click();
    await o.page.waitForTimeout(1500);
    await waiting.locator('.cell-run').click();
    await o.page.waitForTimeout(500);
    expect(await waiting.locator('.cell-run').isDisabled()).toBe(true);
    await runaway.locator('.cell-stop').click();
    await expect.poll(() => waiting.locator('.cell-run').isEnabled()).toBe(true);
    expect(await waiting.locator('.cell-output').textContent()).toContain('another cell on this page was stopped');
    const out = await runCell(waiting);
    expect(out).toContain('backend: wasm');
    await done(o);
  });
});

describe('PyTorch | TF.js tabs', () => {
  it('work with arrow keys, switch every example together, and keep the choice across a reload', async () => {
    const o = await open();
    const { page } = o;
    const firstTabs = page.locator('code-tabs').first();
    const selected = (l: Locator) => l.locator('[role="tab"][aria-selected="true"]').textContent();
    expect(await selected(firstTabs)).toContain('PyTorch');
    await pressOn(page, 'code-tabs [role="tab"][data-lang="pytorch"] >> nth=0', 'ArrowRight');
    expect(await selected(firstTabs)).toContain('TF.js');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.lang)).toBe('tfjs');
    // Every example on the page follows.
    const visible = await page.locator('code-tabs [role="tabpanel"]:not([hidden])').evaluateAll((ps) => ps.map((p) => (p as HTMLElement).dataset.lang));
    expect(visible.length).toBeGreaterThan(5);
    expect(new Set(visible)).toEqual(new Set(['tfjs']));
    expect(await firstTabs.locator('[role="tabpanel"][data-lang="tfjs"]').textContent()).toContain('tf.tensor');
    await page.reload({ waitUntil: 'load' });
    expect(await selected(page.locator('code-tabs').first())).toContain('TF.js');
    expect(await page.locator('code-tabs').last().locator('[role="tabpanel"][data-lang="pytorch"]').isHidden()).toBe(true);
    // Left arrow wraps back; Home and End jump.
    await pressOn(page, 'code-tabs [role="tab"][data-lang="tfjs"] >> nth=0', 'ArrowLeft');
    expect(await selected(page.locator('code-tabs').first())).toContain('PyTorch');
    await page.keyboard.press('End');
    expect(await selected(page.locator('code-tabs').first())).toContain('TF.js');
    await page.keyboard.press('Home');
    expect(await selected(page.locator('code-tabs').first())).toContain('PyTorch');
    await done(o);
  });
});

describe('projectiles by broadcasting', () => {
  const shapeOf = (page: Page, step: string) => text(page.locator(`projectile-broadcast tr[data-step="${step}"] .shape`));
  const curves = (page: Page) => page.locator('projectile-broadcast .pb-plot svg [data-mark="line"] path').count();
  const plotLabel = (page: Page) => page.locator('projectile-broadcast .pb-plot svg').getAttribute('aria-label');

  it('shows every shape and draws N trajectories; the mouse changes them', async () => {
    const o = await open();
    const { page } = o;
    expect(await shapeOf(page, 'speeds')).toBe('(100, 1)');
    expect(await shapeOf(page, 'angles')).toBe('(100, 1)');
    expect(await shapeOf(page, 'times')).toBe('(1000,)');
    expect(await shapeOf(page, 'heights')).toBe('(100, 1000)');
    expect(await curves(page)).toBe(100);
    expect(await plotLabel(page)).toMatch(/^100 trajectories/);
    // Click near the left end of the launches slider: few launches.
    const slider = page.locator('.pb-n');
    const box = (await slider.boundingBox())!;
    await slider.click({ position: { x: 4, y: box.height / 2 } });
    const n = Number(await slider.inputValue());
    expect(n).toBeLessThan(10);
    await expect.poll(() => shapeOf(page, 'heights')).toBe(`(${n}, 1000)`);
    expect(await shapeOf(page, 'speeds')).toBe(`(${n}, 1)`);
    expect(await curves(page)).toBe(n);
    // The "new launches" button draws a different, seeded set.
    const before = await plotLabel(page);
    await page.locator('.pb-reseed').click();
    await expect.poll(() => text(page.locator('.pb-seed'))).toBe('seed 2');
    await expect.poll(() => plotLabel(page)).not.toBe(before);
    await done(o);
  });

  it('every control works by keyboard alone', async () => {
    const o = await open();
    const { page } = o;
    await pressOn(page, '.pb-n', 'End');
    await expect.poll(() => shapeOf(page, 'heights')).toBe('(200, 1000)');
    expect(await curves(page)).toBe(200);
    await pressOn(page, '.pb-n', 'ArrowLeft', 3);
    await expect.poll(() => shapeOf(page, 'speeds')).toBe('(197, 1)');
    await pressOn(page, '.pb-t', 'ArrowLeft', 2);
    await expect.poll(() => shapeOf(page, 'times')).toBe('(980,)');
    expect(await shapeOf(page, 'heights')).toBe('(197, 980)');
    expect(await text(page.locator('tr[data-step="times"] td:nth-child(3)'))).toBe('t = torch.linspace(0, 5, 980)');
    // Time window: 5 s -> 6 s; the plot's x axis and description follow.
    await pressOn(page, '.pb-tmax', 'ArrowRight', 2);
    await expect.poll(() => plotLabel(page)).toMatch(/from 0 to 6 s/);
    expect(await text(page.locator('tr[data-step="times"] td:nth-child(3)'))).toBe('t = torch.linspace(0, 6, 980)');
    // Speed range: the slowest speed pushed to the top pushes the fastest along.
    const high = await plotLabel(page);
    await pressOn(page, '.pb-lo', 'End');
    await expect.poll(() => text(page.locator('tr[data-step="speeds"] td:nth-child(3)'))).toBe('u0 = 49 + 1 * torch.rand(197, 1)');
    expect(await page.locator('.pb-hi').inputValue()).toBe('50');
    await expect.poll(() => plotLabel(page)).not.toBe(high);
    await pressOn(page, '.pb-hi', 'Home');
    await expect.poll(() => page.locator('.pb-lo').inputValue()).toBe('0');
    // New launches by keyboard.
    await pressOn(page, '.pb-reseed', 'Enter');
    await expect.poll(() => text(page.locator('.pb-seed'))).toBe('seed 2');
    await done(o);
  });

  it('the wrong-shape switch shows the error and its explanation, never a plot', async () => {
    const o = await open();
    const { page } = o;
    await pressOn(page, '.pb-wrong', 'Space');
    expect(await page.locator('.pb-wrong').isChecked()).toBe(true);
    const error = page.locator('projectile-broadcast .pb-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    const message = await text(error);
    expect(message).toContain('RuntimeError: The size of tensor a (100) must match the size of tensor b (1000) at non-singleton dimension 1');
    expect(message).toContain('Error: Operands could not be broadcast together with shapes 1,100 and 1000.');
    expect(message).toContain('drawn as a row (1, 100) instead of a column (100, 1)');
    expect(await shapeOf(page, 'speeds')).toBe('(1, 100)');
    expect(await shapeOf(page, 'rise')).toBe('error');
    expect(await shapeOf(page, 'heights')).toBe('not computed');
    expect(await page.locator('projectile-broadcast .pb-figure').isHidden()).toBe(true);
    expect(await page.locator('projectile-broadcast .pb-plot svg').count()).toBe(0);
    await done(o);
  });

  it('with N = T the wrong shape silently broadcasts to (1, N): the page says so and shows what y holds', async () => {
    const o = await open();
    const { page } = o;
    await pressOn(page, '.pb-wrong', 'Space');
    await pressOn(page, '.pb-t', 'Home');                // T = 10
    await pressOn(page, '.pb-t', 'ArrowRight', 9);      // T = 100 = N
    await expect.poll(() => shapeOf(page, 'times')).toBe('(100,)');
    expect(await shapeOf(page, 'heights')).toBe('(1, 100)');
    const warning = page.locator('projectile-broadcast .pb-warning');
    expect(await text(warning)).toContain('No error, but y has shape (1, 100), not (100, 100)');
    expect(await page.locator('projectile-broadcast .pb-error').count()).toBe(0);
    // Drawn as 100 dots labelled as the wrong result, not as trajectories.
    expect(await page.locator('projectile-broadcast .pb-plot svg [data-mark="dot"] circle').count()).toBe(100);
    expect(await curves(page)).toBe(0);
    expect(await plotLabel(page)).toMatch(/not trajectories/);
    // Switching back gives the (100, 100) trajectories.
    await pressOn(page, '.pb-wrong', 'Space');
    await expect.poll(() => shapeOf(page, 'heights')).toBe('(100, 100)');
    expect(await curves(page)).toBe(100);
    expect(await page.locator('projectile-broadcast .pb-warning').count()).toBe(0);
    await done(o);
  });
});

describe('shape playground', () => {
  const pg = (page: Page) => page.locator('shape-playground');
  const summary = (page: Page) => text(pg(page).locator('.pg-summary'));
  const result = (page: Page) => pg(page).locator('.pg-result').textContent();
  const error = (page: Page) => pg(page).locator('.pg-error');

  it('every control works by keyboard and shows the result and its shape, or the error', async () => {
    const o = await open();
    const { page } = o;
    // Start: stack along axis 0.
    expect(await summary(page)).toMatch(/^Result shape \(2, 2, 3\)/);
    expect(await text(pg(page).locator('.pg-torch'))).toBe('torch.stack([A, B], dim=0)');
    // Axis by keyboard: 0 -> 1 -> 2 -> 3 (invalid).
    await pressOn(page, '.pg-axis', 'ArrowDown');
    expect(await summary(page)).toMatch(/^Result shape \(2, 2, 3\)/);
    await page.keyboard.press('ArrowDown');
    expect(await summary(page)).toMatch(/^Result shape \(2, 3, 2\)/);
    expect(await result(page)).toContain('tensor([[[ 3., 10.],');
    await page.keyboard.press('ArrowDown');
    expect(await error(page).isVisible()).toBe(true);
    expect(await text(error(page))).toContain('IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)');
    expect(await text(error(page))).toContain('Error: Axis must be <= rank of the tensor');
    await pressOn(page, '.pg-axis', 'Home');                  // axis -1
    expect(await summary(page)).toMatch(/^Result shape \(2, 3, 2\)/);
    await page.keyboard.press('ArrowDown');                   // axis 0

    // Shape of B: (2, 2) cannot be stacked with (2, 3).
    await pressOn(page, '.pg-bshape', 'ArrowDown');
    expect(await text(error(page))).toContain('stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 2] at entry 1');
    expect(await text(error(page))).toContain('Why: Stacking adds a new axis');

    // Operation -> concatenate: (2, 3) and (2, 2) along axis 0 fail, along axis 1 give (2, 5).
    await pressOn(page, '.pg-op', 'ArrowDown');
    expect(await text(pg(page).locator('.pg-torch'))).toBe('torch.cat([A, B], dim=0)');
    expect(await text(error(page))).toContain('Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor number 1 in the list.');
    await pressOn(page, '.pg-axis', 'ArrowDown');
    expect(await error(page).isHidden()).toBe(true);
    expect(await summary(page)).toMatch(/^Result shape \(2, 5\) — torch\.Size\(\[2, 5\]\) in PyTorch, \[2,5\] in TF\.js/);
    expect(await result(page)).toContain('tensor([[ 3.,  7.,  1., 10., 20.],');

    // Operation -> reshape: rows -1, columns 1 -> (6, 1); columns 4 -> error.
    await pressOn(page, '.pg-op', 'ArrowDown');
    expect(await pg(page).locator('.pg-b-box').isHidden()).toBe(true);
    expect(await pg(page).locator('.pg-bshape').isHidden()).toBe(true);
    expect(await summary(page)).toMatch(/^Result shape \(6, 1\)/);
    expect(await text(pg(page).locator('.pg-torch'))).toBe('A.reshape(-1, 1)');
    await pressOn(page, '.pg-cols', 'ArrowDown', 3);           // 1 -> 2 -> 3 -> 4
    expect(await text(error(page))).toContain("RuntimeError: shape '[-1, 4]' is invalid for input of size 6");
    expect(await text(error(page))).toContain("Error: The implicit shape can't be a fractional number. Got 6 / 4");
    await pressOn(page, '.pg-cols', 'Home');                   // none: 1-D
    expect(await summary(page)).toMatch(/^Result shape \(6,\)/);
    await pressOn(page, '.pg-rows', 'ArrowDown', 2);           // rows 2, 1-D target (2,) is wrong for 6 elements
    expect(await text(error(page))).toContain("RuntimeError: shape '[2]' is invalid for input of size 6");
    await pressOn(page, '.pg-cols', 'ArrowDown', 4);           // (2, 3)
    expect(await summary(page)).toMatch(/^Result shape \(2, 3\)/);

    // Operation -> mask: A > 4 keeps 7, 8, 5 as a flat list; the threshold slider changes it.
    await pressOn(page, '.pg-op', 'ArrowDown');
    expect(await summary(page)).toMatch(/^Result shape \(3,\)/);
    expect(await result(page)).toContain('A[mask] = tensor([7., 8., 5.])');
    await pressOn(page, '.pg-x', 'ArrowRight', 2);             // x = 6
    expect(await result(page)).toContain('A[mask] = tensor([7., 8.])');
    expect(await text(pg(page).locator('.pg-torch'))).toBe('A[A > 6]');
    await pressOn(page, '.pg-mask', 'ArrowDown');              // rows: A[:, 0] > 6 keeps row 1
    expect(await summary(page)).toMatch(/^Result shape \(1, 3\)/);
    expect(await result(page)).toContain('A[mask] = tensor([[8., 2., 5.]])');

    // Operation -> min/max, along axis 1 (still chosen from the concatenation): values and indices.
    await pressOn(page, '.pg-op', 'ArrowDown');
    expect(await summary(page)).toMatch(/^Result shape \(2,\)/);
    expect(await result(page)).toContain('values=tensor([1., 2.])');
    await pressOn(page, '.pg-axis', 'ArrowUp');                // axis 0
    expect(await summary(page)).toMatch(/^Result shape \(3,\)/);
    expect(await result(page)).toContain('values=tensor([3., 2., 1.])');
    expect(await result(page)).toContain('indices=tensor([0, 1, 0])');
    await page.keyboard.press('ArrowDown');                    // axis 1
    expect(await result(page)).toContain('indices=tensor([2, 1])');
    await pressOn(page, '.pg-kind', 'ArrowDown');              // max
    expect(await result(page)).toContain('values=tensor([7., 8.])');
    expect(await result(page)).toContain('indices=tensor([1, 0])');
    expect(await text(pg(page).locator('.pg-tfjs'))).toBe('[tf.max(A, 1), tf.argMax(A, 1)]');
    await pressOn(page, '.pg-axis', 'End');                    // axis 3
    expect(await text(error(page))).toContain('IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 3)');
    expect(await text(error(page))).toContain('Error: All values in axis param must be in range [-2, 2) but got axis 3');
    await done(o);
  });
});

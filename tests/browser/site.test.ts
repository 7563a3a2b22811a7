/**
 * Site-wide checks over the built book: every page loads cleanly in light and dark mode,
 * passes axe-core (no serious or critical violations), renders its math, works on a
 * phone-sized screen, and references nothing outside the site.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSeriousViolations, builtPages, DIST, launchBrowser, openPage, startSite, type Site } from './harness';

let site: Site;
let browser: Browser;
const pages = builtPages();

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('every page', () => {
  it('the build has a title page and chapters', () => {
    expect(pages).toContain('');
    expect(pages.some((p) => p.startsWith('chapters/'))).toBe(true);
  });

  for (const path of pages) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`/${path} loads without errors and passes axe (${colorScheme})`, async () => {
        const { page, errors, failedRequests, externalRequests } = await openPage(browser, site, path, { colorScheme });
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
        expect(errors).toEqual([]);
        expect(failedRequests).toEqual([]);
        expect(externalRequests).toEqual([]);
        expect(await page.locator('.katex-error').count()).toBe(0);
        const violations = await axeSeriousViolations(page);
        expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
        // Every slider is announced by a name, not only by its number (the accessible
        // name as the browser computes it, through Playwright's role query).
        for (const slider of await page.locator('input[type="range"]').all()) {
          const label = await slider.getAttribute('aria-label');
          expect(label, `a slider on /${path} has no aria-label`).toBeTruthy();
          expect(await page.getByRole('slider', { name: label!, exact: true, includeHidden: true }).count()).toBeGreaterThan(0);
        }
        await page.context().close();
      });
    }
  }
});

describe('reading', () => {
  it('chapter pages render KaTeX math, a sidebar with the current chapter marked, and a table of contents', async () => {
    for (const path of pages.filter((p) => p.startsWith('chapters/'))) {
      const { page } = await openPage(browser, site, path);
      expect(await page.locator('.katex').count(), `${path} has rendered math`).toBeGreaterThan(0);
      const current = page.locator('.sidebar a[aria-current="page"]');
      expect(await current.count()).toBe(1);
      expect(await current.getAttribute('href')).toContain(path);
      expect(await page.locator('.toc a').count()).toBeGreaterThan(1);
      // MDX must not eat braces in prose or leave raw TeX behind (pitfalls #7).
      const text = await page.locator('main').innerText();
      expect(text).not.toMatch(/\$\$|\\frac|\\\(|undefined/);
      await page.context().close();
    }
  });

  it('the title page lists every chapter and previous/next links chain them in order', async () => {
    const { page } = await openPage(browser, site, '');
    const hrefs = await page.locator('.chapter-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBe(pages.filter((p) => p.startsWith('chapters/')).length);
    let current = hrefs[0];
    for (let i = 1; i < hrefs.length; i++) {
      await page.goto(new URL(current, page.url()).href);
      const next = await page.locator('.pager a[rel="next"]').getAttribute('href');
      expect(next).toBe(hrefs[i]);
      current = next!;
    }
    await page.context().close();
  });

  it('the dark-mode toggle works by keyboard and persists across pages and reloads', async () => {
    const { page } = await openPage(browser, site, '', { colorScheme: 'light' });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.focus('.theme-toggle');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.getAttribute('.theme-toggle', 'aria-pressed')).toBe('true');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const chapter = pages.find((p) => p.startsWith('chapters/'))!;
    await page.goto(new URL(chapter, page.url()).href);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.context().close();
  });

  it('on a 360 px phone no page scrolls sideways and the chapter menu opens', async () => {
    for (const path of pages) {
      const { page } = await openPage(browser, site, path, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `/${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(1);
      await page.click('.menu-button');
      expect(await page.isVisible('.sidebar')).toBe(true);
      expect(await page.getAttribute('.menu-button', 'aria-expanded')).toBe('true');
      await page.context().close();
    }
  });
});

describe('runnable code', () => {
  it('every code cell in the book runs to the end (errors only where a cell demonstrates one)', async () => {
    for (const path of pages) {
      const { page, errors } = await openPage(browser, site, path);
      const cells = page.locator('code-cell');
      const n = await cells.count();
      for (let i = 0; i < n; i++) {
        const cell = cells.nth(i);
        await cell.locator('.cell-run').click();
        await cell.locator('.cell-run:not([disabled])').waitFor({ timeout: 120_000 });
        const output = (await cell.locator('.cell-output').innerText()).trim();
        const label = `/${path} cell ${i + 1}: ${output.slice(0, 300)}`;
        const failed = (await cell.locator('.cell-output .err').count()) > 0;
        expect(failed, label).toBe((await cell.getAttribute('data-expect-error')) !== null);
        expect(output.length, label).toBeGreaterThan(0);
      }
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});

describe('self-contained build', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(DIST);

  it('no HTML or CSS file references an external host', () => {
    const bad: string[] = [];
    const attr = /\b(?:href|src|srcset|action|poster|data|content)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]+)/gi;
    const cssUrl = /url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi;
    const cssImport = /@import\s+["']((?:https?:)?\/\/[^"']+)/gi;
    for (const f of files) {
      const ext = extname(f);
      if (ext !== '.html' && ext !== '.css') continue;
      const text = readFileSync(f, 'utf8');
      for (const re of ext === '.html' ? [attr, cssUrl] : [cssUrl, cssImport]) {
        for (const m of text.matchAll(re)) if (!isLocal(m[1])) bad.push(`${f}: ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no script imports or fetches from an external host', () => {
    const bad: string[] = [];
    const patterns = [
      /\bimport\s*\(\s*["'`]((?:https?:)?\/\/[^"'`]+)/g,
      /\bfrom\s*["']((?:https?:)?\/\/[^"']+)/g,
      /\bimportScripts\s*\(\s*["']((?:https?:)?\/\/[^"']+)/g,
      /\bfetch\s*\(\s*["'`]((?:https?:)?\/\/[^"'`]+)/g,
      /["'`](https?:\/\/(?:cdn\.|unpkg\.com|cdn\.jsdelivr|fonts\.googleapis|fonts\.gstatic|esm\.sh)[^"'`]*)/g,
    ];
    for (const f of files) {
      if (!['.js', '.mjs'].includes(extname(f))) continue;
      const text = readFileSync(f, 'utf8');
      for (const re of patterns) for (const m of text.matchAll(re)) if (!isLocal(m[1])) bad.push(`${f}: ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });
});

function isLocal(url: string): boolean {
  return /^(?:https?:)?\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?\//.test(url);
}

// Developer aid: screenshots of built pages, as a reader sees them (light, dark, phone).
// Usage: node scripts/screenshot.mjs [path ...]   (after `npm run build`; PNGs go to test-results/)
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startStaticServer } from './static-server.mjs';

const paths = process.argv.slice(2).length ? process.argv.slice(2) : [''];
const root = process.env.NN4HEP_OUT_DIR || 'dist';
const site = await startStaticServer({ root, base: process.env.NN4HEP_BASE || '/' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
mkdirSync('test-results', { recursive: true });
const views = [
  { name: 'light', colorScheme: 'light', viewport: { width: 1280, height: 900 } },
  { name: 'dark', colorScheme: 'dark', viewport: { width: 1280, height: 900 } },
  { name: 'phone', colorScheme: 'light', viewport: { width: 360, height: 740 }, isMobile: true },
];
for (const path of paths) {
  for (const { name, ...options } of views) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(new URL(path, site.url).href, { waitUntil: 'networkidle' });
    const file = `test-results/${(path || 'index').replace(/\W+/g, '_')}-${name}.png`;
    await page.screenshot({ path: file, fullPage: process.env.FULL === '1' });
    console.log(file);
    await context.close();
  }
}
await browser.close();
await site.close();

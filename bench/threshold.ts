/**
 * Threshold-explorer benchmark (chapter 8): loads the built chapter in Chromium and
 * measures how long one threshold update takes on the full test split of the chosen
 * run — the handler (two binary searches, the metrics, the text and SVG updates) plus
 * the style and layout it triggers. Also times core/threshold alone on a million
 * synthetic events, to show that an update does not grow with the test-split size.
 *
 * Run by `npm run bench`, or alone: `npx tsx bench/threshold.ts` (build the book first;
 * NN4HEP_OUT_DIR selects the build folder, default dist).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../scripts/static-server.mjs';
import { ThresholdSweeper } from '../core/threshold';
import { confusionReport } from '../core/metrics';
import { createRng } from '../core/rng';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function coreOnly(n: number, updates: number): number {
  const rng = createRng(1);
  const labels = new Float32Array(n), scores = new Float32Array(n);
  for (let i = 0; i < n; i++) { labels[i] = rng.next() < 0.4 ? 1 : 0; scores[i] = rng.next(); }
  const sw = new ThresholdSweeper(labels, scores);
  let sink = 0;
  const t0 = performance.now();
  for (let k = 0; k < updates; k++) sink += confusionReport(sw.at((k % 1000) / 1000)).accuracy;
  const ms = (performance.now() - t0) / updates;
  if (!Number.isFinite(sink)) throw new Error('unexpected');
  return ms;
}

export async function benchThreshold(log: (line: string) => void, dist = process.env.NN4HEP_OUT_DIR || 'dist'): Promise<void> {
  log('Threshold explorer (chapter 8), one threshold update on the full test split:');
  if (!existsSync(join(dist, 'chapters', 'evaluation', 'index.html'))) {
    log(`  skipped: ${dist}/chapters/evaluation/ is not built (run \`npm run build\` first)`);
    return;
  }
  if (!existsSync(CHROMIUM)) {
    log(`  skipped: Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const site = await startStaticServer({ root: dist, base: process.env.NN4HEP_BASE || '/' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(new URL('chapters/evaluation/', site.url).href);
    await page.waitForFunction(() => (document.querySelector('nn-threshold-explorer') as HTMLElement | null)?.dataset.state === 'ready', null, { timeout: 60_000 });
    const r = await page.evaluate(async () => {
      const el = document.querySelector('nn-threshold-explorer') as HTMLElement;
      const slider = el.querySelector('.te-thr') as HTMLInputElement;
      const times: number[] = [];
      const N = 2000;
      for (let k = 0; k < N; k++) {
        const t0 = performance.now();
        slider.value = String(((k * 37) % 201) * 0.005);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        // Force the style and layout work the update causes (the browser would do it before painting).
        el.getBoundingClientRect();
        void el.offsetHeight;
        times.push(performance.now() - t0);
      }
      // The update alone, without the style and layout it causes.
      const handler: number[] = [];
      for (let k = 0; k < N; k++) {
        const t0 = performance.now();
        slider.value = String(((k * 37) % 201) * 0.005);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        handler.push(performance.now() - t0);
      }
      el.getBoundingClientRect();
      handler.sort((a, b) => a - b);
      // With painting: updates paced by animation frames.
      const frames: number[] = [];
      for (let k = 0; k < 60; k++) {
        await new Promise<void>((res) => requestAnimationFrame(() => {
          const t0 = performance.now();
          slider.value = String((k % 200) * 0.005);
          slider.dispatchEvent(new Event('input', { bubbles: true }));
          el.getBoundingClientRect();
          frames.push(performance.now() - t0);
          res();
        }));
      }
      times.sort((a, b) => a - b);
      frames.sort((a, b) => a - b);
      return {
        n: Number(el.dataset.n), run: el.dataset.run, mean: times.reduce((a, b) => a + b, 0) / N, median: times[N >> 1], p95: times[Math.floor(N * 0.95)], max: times[N - 1],
        handlerMedian: handler[N >> 1], handlerP95: handler[Math.floor(N * 0.95)],
        frameMedian: frames[frames.length >> 1], frameMax: frames[frames.length - 1],
      };
    });
    log(`  run ${r.run}, ${r.n.toLocaleString('en-US')} test events, Chromium ${browser.version()}:`);
    log(`  ${r.mean.toFixed(3)} ms per update on average (median ${r.median.toFixed(3)} ms, 95th percentile ${r.p95.toFixed(3)} ms, max ${r.max.toFixed(3)} ms; 2000 updates, handler + style + layout)`);
    log(`  the update alone (no style or layout): median ${r.handlerMedian.toFixed(3)} ms, 95th percentile ${r.handlerP95.toFixed(3)} ms`);
    log(`  inside animation frames: median ${r.frameMedian.toFixed(3)} ms, max ${r.frameMax.toFixed(3)} ms (budget 16 ms)`);
  } finally {
    await browser.close();
    await site.close();
  }
  coreOnly(10_000, 100_000); // warm-up (JIT)
  for (const n of [10_000, 1_000_000]) log(`  core/threshold alone, ${n.toLocaleString('en-US')} events: ${(coreOnly(n, 100_000) * 1000).toFixed(2)} µs per update (sorted once, then binary searches)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchThreshold((l) => console.log(l)).catch((e) => { console.error(`bench failed: ${(e as Error).message}`); process.exit(1); });
}

/** The cleaned penguins in the page: fetched once per page from the file the build wrote. */
import type { Penguin } from '../../../core/penguins';

let cache: Promise<Penguin[]> | null = null;

export function fetchPenguins(url: string): Promise<Penguin[]> {
  if (!cache) {
    cache = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`could not load the penguins (${r.status} ${r.statusText})`);
      const body = await r.json();
      if (!Array.isArray(body?.rows) || body.rows.length === 0) throw new Error('the penguins file has no rows');
      return body.rows as Penguin[];
    });
    cache.catch(() => { cache = null; });
  }
  return cache;
}

export { showWidgetError } from '../widget-error';

/** Keeps only ~max points of a long loss history for plotting (always the first and last). */
export function thin(values: number[], max = 400): { step: number; loss: number }[] {
  const n = values.length;
  const every = Math.max(1, Math.ceil(n / max));
  const out: { step: number; loss: number }[] = [];
  for (let i = 0; i < n; i += every) out.push({ step: i + 1, loss: values[i] });
  if (n && out[out.length - 1].step !== n) out.push({ step: n, loss: values[n - 1] });
  return out;
}

const pending = new WeakMap<object, () => void>();
const lastRun = new WeakMap<object, number>();
/**
 * Runs the latest `fn` registered for `key` at an animation frame, at most every `minGapMs`:
 * many progress messages, few redraws, so clicks are never stuck behind plotting.
 */
export function onNextFrame(key: object, fn: () => void, minGapMs = 150): void {
  const had = pending.has(key);
  pending.set(key, fn);
  if (had) return;
  const wait = Math.max(0, (lastRun.get(key) ?? 0) + minGapMs - performance.now());
  setTimeout(() => requestAnimationFrame(() => {
    const f = pending.get(key);
    pending.delete(key);
    lastRun.set(key, performance.now());
    f?.();
  }), wait);
}

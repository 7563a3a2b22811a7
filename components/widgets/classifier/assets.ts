/**
 * The chapter 7-9 widgets' access to the precomputed assets in the page: fetched
 * once per page, validated by core/schema (an unknown schema version is refused),
 * and every failure turned into a message that names the file and the fix.
 */
import {
  fetchManifest, fetchRunMetrics, decodeTestScores, decodeSample, type Manifest, type RunMetrics,
} from '../../../core/schema';

import { once as cached, fetchOk } from '../../assets/fetch-once';
export { showWidgetError } from '../widget-error';

export const loadManifest = (base: string): Promise<Manifest> => cached(`m:${base}`, async () => {
  try {
    return await fetchManifest(base, (u) => fetchOk(String(u)));
  } catch (e) {
    const msg = (e as Error).message;
    // A file that is not JSON (an HTML error page, a truncated write).
    if (e instanceof SyntaxError) throw new Error(`${base}manifest.json is not valid JSON (${msg}). Run \`npm run precompute -- --force\` to rebuild it.`);
    throw e;
  }
});

export const loadRun = (base: string, runId: string): Promise<RunMetrics> => cached(`r:${base}${runId}`, () => fetchRunMetrics(base, runId, (u) => fetchOk(String(u))));

export const loadTestScores = (base: string, m: RunMetrics): Promise<{ scores: Float32Array; labels: Float32Array }> =>
  cached(`s:${base}${m.runId}`, async () => {
    const url = `${base}runs/${m.runId}/test-scores.bin`;
    const buf = await (await fetchOk(url)).arrayBuffer();
    try {
      return decodeTestScores(buf, m.testScores.count);
    } catch (e) {
      throw new Error(`${url}: ${(e as Error).message}`);
    }
  });

export const loadSample = (base: string, manifest: Manifest): Promise<Record<string, Float32Array>> =>
  cached(`x:${base}`, async () => {
    const url = `${base}sample.bin`;
    const buf = await (await fetchOk(url)).arrayBuffer();
    try {
      return decodeSample(buf, manifest.sample);
    } catch (e) {
      throw new Error(`${url}: ${(e as Error).message}`);
    }
  });

export const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)} %`;
export const num = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
export const int = (x: number) => Math.round(x).toLocaleString('en-GB');

/** "[100, 50] sigmoid" etc. for tables. */
export function describeRun(m: Manifest, r: RunMetrics['config']) {
  const o = r.optimizer;
  const opt = `${o.type === 'sgd' ? 'SGD' : o.type === 'adam' ? 'Adam' : 'Adagrad'} lr ${o.lr}${o.momentum ? `, momentum ${o.momentum}` : ''}${o.weightDecay ? `, wd ${o.weightDecay}` : ''}`;
  const net = `${m.featureSets[r.featureSet]?.length ?? '?'} → ${r.model.hidden.join(' → ')} → 1, ${r.model.activation}${r.model.dropout ? `, dropout ${r.model.dropout}` : ''}`;
  return { features: `${r.featureSet}${r.standardize ? '' : ' (raw)'}`, net, opt, batch: String(r.batchSize) };
}

import { describe, expect, it } from 'vitest';
import { eventSample, type Prepared } from '../../precompute/train/prepare';
import { decodeSample, validateManifest, SCHEMA_VERSION } from '../../core/schema';
import { stratifiedSplit } from '../../core/split';

/** A small prepared dataset: feature f of event i is i + f / 10, so every row is recognisable. */
function prepared(n: number): Prepared {
  const features = ['a', 'b', 'c'];
  const labels = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const all = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let f = 0; f < 3; f++) all[i * 3 + f] = i + f / 10;
  const split = stratifiedSplit(labels, 5, { train: 0.6, val: 0.2, test: 0.2 });
  return { features, used: { signal: 0, background: 0 }, split, labels, all, scalers: {} };
}

describe('the page sample records where each row sits in the test split', () => {
  for (const maxRows of [50, 1000]) {
    it(`row r of sample.bin is test event testRows[r] (${maxRows === 50 ? 'subsampled' : 'whole test split'})`, () => {
      const p = prepared(1000);
      const s = eventSample(p, maxRows, 11);
      const cols = decodeSample(s.bytes.slice().buffer, { ...s.desc, sha256: '' });
      expect(s.desc.testRows.length).toBe(s.desc.rows);
      expect(new Set(s.desc.testRows).size).toBe(s.desc.rows);
      s.desc.testRows.forEach((k, r) => {
        const i = p.split.test[k];
        expect(cols.a[r]).toBe(Math.fround(i));
        expect(cols.c[r]).toBe(Math.fround(i + 0.2));
        expect(cols.label[r]).toBe(p.labels[i]);
      });
    });
  }
  it('a manifest whose sample lacks testRows is refused with a message', () => {
    const v = validateManifest({ schemaVersion: SCHEMA_VERSION, datasetId: 'd', profile: 'quick', features: [], featureSets: {}, split: { sizes: {} },
      scalers: {}, backend: { name: 'wasm' }, runs: [], sample: { file: 'sample.bin', rows: 2, columns: ['label'], bytes: 8 } });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error).toMatch(/testRows/);
  });
});

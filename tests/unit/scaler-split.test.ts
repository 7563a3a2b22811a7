import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fitScaler, applyScaler } from '../../core/scaler';
import { stratifiedSplit, stratifiedSubsample } from '../../core/split';

const ref = JSON.parse(readFileSync(new URL('../../../shared/fixtures/scaler-reference.json', import.meta.url), 'utf8'));

describe('standard scaler', () => {
  it('matches scikit-learn StandardScaler (population std)', () => {
    const nf = ref.X[0].length;
    const s = fitScaler(ref.X.flat(), nf);
    s.mean.forEach((m, i) => expect(m).toBeCloseTo(ref.mean[i], 10));
    s.scale.forEach((v, i) => expect(v).toBeCloseTo(ref.scale[i], 10));
    const t = applyScaler(s, ref.X.slice(0, 3).flat());
    ref.X_transformed_first3.flat().forEach((v: number, i: number) => expect(t[i]).toBeCloseTo(v, 5));
  });
  it('gives a constant column scale 1 and maps it to 0, never NaN', () => {
    const s = fitScaler([5, 1, 5, 2, 5, 3], 2);
    expect(s.scale[0]).toBe(1);
    const t = applyScaler(s, [5, 1, 5, 2, 5, 3]);
    expect(Array.from(t).every(Number.isFinite)).toBe(true);
    expect(t[0]).toBe(0);
  });
});

describe('stratified split', () => {
  // A class-ordered file: all signal rows first, then all background rows.
  const labels = new Float32Array(10000);
  labels.fill(1, 0, 4000);
  it('gives every split both classes in the overall proportion, 80/10/10', () => {
    const sp = stratifiedSplit(labels, 42);
    for (const [name, idx, size] of [['train', sp.train, 8000], ['val', sp.val, 1000], ['test', sp.test, 1000]] as const) {
      expect(idx.length, name).toBe(size);
      const sig = Array.from(idx).filter((i) => labels[i] === 1).length;
      expect(sig / idx.length, name).toBeCloseTo(0.4, 3);
      // Not in file order: signal and background are interleaved.
      expect(labels[idx[0]] === labels[idx[1]] && labels[idx[1]] === labels[idx[2]] && labels[idx[2]] === labels[idx[3]] && labels[idx[3]] === labels[idx[4]] && labels[idx[4]] === labels[idx[5]]).toBe(false);
    }
    const all = new Set([...sp.train, ...sp.val, ...sp.test]);
    expect(all.size).toBe(10000);
  });
  it('is reproducible for a seed and changes with the seed', () => {
    expect(Array.from(stratifiedSplit(labels, 42).test)).toEqual(Array.from(stratifiedSplit(labels, 42).test));
    expect(Array.from(stratifiedSplit(labels, 43).test)).not.toEqual(Array.from(stratifiedSplit(labels, 42).test));
  });
  it('subsamples each class by the fraction', () => {
    const k = stratifiedSubsample(labels, 0.1, 1);
    expect(k.length).toBe(1000);
    expect(Array.from(k).filter((i) => labels[i] === 1).length).toBe(400);
  });
  it('rejects fractions that do not add up to 1', () => {
    expect(() => stratifiedSplit(labels, 1, { train: 0.8, val: 0.1, test: 0.2 })).toThrow(/add up to 1/);
  });
});

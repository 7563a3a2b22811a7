import { describe, expect, it } from 'vitest';
import {
  featureSeparation, rankFeatures, designMatrix, shuffleDemo, scalerLeak, parseFeatureSelection,
} from '../../core/data-prep';
import { transverseEvent, invariantMass, openingAngle, describeEvent, degrees } from '../../core/event-display';
import { createRng } from '../../core/rng';

/** Two classes: x1 separates them (signal higher), x2 separates them the other way, noise does not. */
function toyData(n: number, seed: number) {
  const rng = createRng(seed);
  const labels = new Float32Array(n);
  const x1 = new Float64Array(n), x2 = new Float64Array(n), noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = i < 0.4 * n ? 1 : 0; // class-ordered, like a file with all signal first
    labels[i] = y;
    x1[i] = rng.normal() + (y ? 1.5 : 0);
    x2[i] = 100 + 10 * rng.normal() - (y ? 8 : 0);
    noise[i] = rng.normal();
  }
  return { labels, columns: { x1, x2, noise } as Record<string, Float64Array> };
}

describe('single-feature separation', () => {
  it('is the AUC of the feature as a score, folded so that either side counts', () => {
    const labels = [1, 1, 0, 0];
    expect(featureSeparation('a', [4, 3, 2, 1], labels)).toMatchObject({ auc: 1, separation: 1, signalHigher: true });
    expect(featureSeparation('b', [1, 2, 3, 4], labels)).toMatchObject({ auc: 0, separation: 1, signalHigher: false });
    expect(featureSeparation('c', [1, 2, 1, 2], labels).separation).toBe(0.5);
  });
  it('ranks the informative features first, best first', () => {
    const { labels, columns } = toyData(4000, 3);
    const r = rankFeatures(columns, labels, ['noise', 'x2', 'x1']);
    expect(r.map((f) => f.name)).toEqual(['x1', 'x2', 'noise']);
    expect(r[0].signalHigher).toBe(true);
    expect(r[1].signalHigher).toBe(false);
    expect(r[2].separation).toBeLessThan(0.55);
    for (let i = 1; i < r.length; i++) expect(r[i - 1].separation).toBeGreaterThanOrEqual(r[i].separation);
    expect(() => rankFeatures(columns, labels, ['missing'])).toThrow(/missing/);
  });
});

describe('design matrix', () => {
  it('is row-major over the chosen rows and features', () => {
    const cols = { a: [1, 2, 3], b: [10, 20, 30] };
    expect(Array.from(designMatrix(cols, ['b', 'a'], [2, 0]))).toEqual([30, 3, 10, 1]);
    expect(Array.from(designMatrix(cols, ['a']))).toEqual([1, 2, 3]);
  });
});

describe('shuffling labels apart from inputs', () => {
  it('leaves a logistic model at chance, while shuffling together keeps what it learns', () => {
    const { labels, columns } = toyData(3000, 7);
    const d = shuffleDemo(columns, labels, ['x1', 'x2', 'noise'], 42);
    expect(d.sizes.train + d.sizes.val + d.sizes.test).toBe(3000);
    expect(d.sizes.test).toBe(300);
    expect(d.together.auc).toBeGreaterThan(0.85);
    expect(d.together.accuracy).toBeGreaterThan(d.majority + 0.1);
    // With shuffled labels the model learns only the class fraction: it gives every event
    // nearly the same probability and so calls every event background.
    expect(Math.abs(d.separately.accuracy - d.majority)).toBeLessThan(0.02);
    expect(d.separately.scoreStd).toBeLessThan(0.05);
    expect(d.together.scoreStd).toBeGreaterThan(0.2);
    const [lo, hi] = d.separately.scoreRange;
    expect(lo).toBeGreaterThan(0.25);
    expect(hi).toBeLessThan(0.55);
    // About p² + (1−p)² of the labels land on a row of their own class by luck.
    expect(d.labelsStillRight).toBeGreaterThan(0.45);
    expect(d.labelsStillRight).toBeLessThan(0.6);
  });
  it('is reproducible for a seed and differs between seeds', () => {
    const { labels, columns } = toyData(2000, 9);
    const a = shuffleDemo(columns, labels, ['x1', 'noise'], 5);
    expect(shuffleDemo(columns, labels, ['x1', 'noise'], 5)).toEqual(a);
    expect(shuffleDemo(columns, labels, ['x1', 'noise'], 6).separately).not.toEqual(a.separately);
  });
});

describe('scaler leakage', () => {
  it('fits the correct scaler on the training split only and shows what the test split changes', () => {
    const { labels, columns } = toyData(2000, 11);
    const l = scalerLeak(columns, labels, ['x1', 'x2'], 42);
    expect(l.sizes.train).toBe(1600);
    // The all-events mean is the weighted mean of the training and non-training means.
    const n = 2000;
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(l.allEvents.mean[0]).toBeCloseTo(mean(columns.x1), 10);
    expect(l.trainOnly.mean[0]).not.toBeCloseTo(l.allEvents.mean[0], 10);
    expect(l.meanShift[0]).toBeCloseTo((l.allEvents.mean[0] - l.trainOnly.mean[0]) / l.trainOnly.scale[0], 12);
    expect(Math.abs(l.meanShift[0])).toBeLessThan(0.2);
    expect(l.testMean.allEvents.length).toBe(2);
    expect(n).toBe(labels.length);
  });
});

describe('reader feature selection', () => {
  const available = ['a', 'b', 'c'];
  it('keeps known names in the dataset order', () => {
    expect(parseFeatureSelection('["c","a","zzz"]', available)).toEqual(['a', 'c']);
  });
  it('ignores anything that is not a non-empty list of names', () => {
    expect(parseFeatureSelection(null, available)).toBeNull();
    expect(parseFeatureSelection('not json', available)).toBeNull();
    expect(parseFeatureSelection('{"a":1}', available)).toBeNull();
    expect(parseFeatureSelection('["zzz"]', available)).toBeNull();
  });
});

describe('transverse view of an event', () => {
  const row: Record<string, number> = {
    lepton0_px: 30, lepton0_py: 40, lepton0_pz: 0, lepton0_energy: 50,
    lepton1_px: -20, lepton1_py: 0, lepton1_pz: 21, lepton1_energy: 29,
    jet0_px: 0, jet0_py: -60, jet0_pz: 80, jet0_energy: 101,
    jet1_px: 0, jet1_py: 0, jet1_pz: 0, jet1_energy: 0,
    Njets: 1, MissingEnergy: 25,
  };
  const ev = transverseEvent((f) => row[f]);
  it('keeps the stored objects with their pT and azimuth, and drops a missing jet', () => {
    expect(ev.objects.map((o) => o.name)).toEqual(['lepton0', 'lepton1', 'jet0']);
    expect(ev.objects[0].pt).toBeCloseTo(50, 12);
    expect(degrees(ev.objects[0].phi)).toBe(53);
    expect(ev.objects[2].eta).toBeCloseTo(Math.asinh(80 / 60), 12);
    expect(ev.met).toBe(25);
  });
  it('points the missing momentum opposite to the visible sum', () => {
    // visible sum (10, −20) → missing direction (−10, 20)
    expect(ev.metPhi).toBeCloseTo(Math.atan2(20, -10), 12);
  });
  it('describes the event in words', () => {
    const text = describeEvent(ev);
    expect(text).toContain('Lepton 1: transverse momentum 50 GeV at 53°');
    expect(text).toContain('Jet 1');
    expect(text).toContain('Missing transverse momentum 25 GeV');
  });
  it('computes invariant masses and opening angles', () => {
    // Two massless back-to-back 50 GeV photons-like momenta: m = 100
    const a = { energy: 50, px: 50, py: 0, pz: 0 }, b = { energy: 50, px: -50, py: 0, pz: 0 };
    expect(invariantMass(a, b)).toBeCloseTo(100, 12);
    expect(openingAngle(a, b)).toBeCloseTo(Math.PI, 12);
    expect(openingAngle(a, { px: 0, py: 3, pz: 0 })).toBeCloseTo(Math.PI / 2, 12);
    expect(invariantMass(a, a)).toBe(0);
  });
});

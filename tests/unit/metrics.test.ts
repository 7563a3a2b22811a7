import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  classificationReport, confusionAt, rocCurve, rocAuc, dropCollinear, downsampleRoc, trapezoidArea,
  histogram, scoreHistograms, permutationImportance,
} from '../../core/metrics';
import { createRng } from '../../core/rng';

const ref = JSON.parse(readFileSync(new URL('../../../shared/fixtures/metrics-reference.json', import.meta.url), 'utf8'));

describe.each(ref.cases.map((c: any) => [c.name, c]) as [string, any][])('scikit-learn reference case %s', (_name, c) => {
  const r = classificationReport(c.y_true, c.scores, c.threshold);
  it('confusion matrix at the threshold', () => {
    const { tn, fp, fn, tp } = confusionAt(c.y_true, c.scores, c.threshold);
    expect([tn, fp, fn, tp]).toEqual(c.confusion_matrix_tn_fp_fn_tp);
  });
  it('accuracy, precision, recall, F1 (signal, weighted, macro)', () => {
    expect(r.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(r.signal.precision).toBeCloseTo(c.precision_binary, 12);
    expect(r.signal.recall).toBeCloseTo(c.recall_binary, 12);
    expect(r.signal.f1).toBeCloseTo(c.f1_binary, 12);
    expect(r.weighted.precision).toBeCloseTo(c.precision_weighted, 12);
    expect(r.weighted.recall).toBeCloseTo(c.recall_weighted, 12);
    expect(r.weighted.f1).toBeCloseTo(c.f1_weighted, 12);
    expect(r.macro.precision).toBeCloseTo(c.precision_macro, 12);
    expect(r.macro.recall).toBeCloseTo(c.recall_macro, 12);
    expect(r.macro.f1).toBeCloseTo(c.f1_macro, 12);
  });
  it('AUC by the rank statistic', () => {
    expect(rocAuc(c.y_true, c.scores)).toBeCloseTo(c.roc_auc, 12);
  });
  it('ROC points at every distinct threshold', () => {
    const roc = rocCurve(c.y_true, c.scores);
    const all = c.roc_curve_all_thresholds;
    expect(roc.fpr.length).toBe(all.fpr.length);
    roc.fpr.forEach((v, i) => expect(v).toBeCloseTo(all.fpr[i], 12));
    roc.tpr.forEach((v, i) => expect(v).toBeCloseTo(all.tpr[i], 12));
    // sklearn 1.2 puts max+1 first; we put +Infinity. The rest are the distinct scores.
    expect(roc.thresholds[0]).toBe(Infinity);
    roc.thresholds.slice(1).forEach((v, i) => expect(v).toBeCloseTo(all.thresholds[i + 1], 12));
    expect(trapezoidArea(roc.fpr, roc.tpr)).toBeCloseTo(c.roc_auc, 12);
  });
  it('dropping collinear points gives scikit-learn drop_intermediate', () => {
    const d = dropCollinear(rocCurve(c.y_true, c.scores));
    expect(d.fpr.length).toBe(c.roc_curve.fpr.length);
    d.fpr.forEach((v, i) => expect(v).toBeCloseTo(c.roc_curve.fpr[i], 12));
    d.tpr.forEach((v, i) => expect(v).toBeCloseTo(c.roc_curve.tpr[i], 12));
  });
});

describe('ROC downsampling', () => {
  const rng = createRng(7);
  const y: number[] = [], s: number[] = [];
  for (let i = 0; i < 20000; i++) { const lab = rng.next() < 0.4 ? 1 : 0; y.push(lab); s.push(1 / (1 + Math.exp(-(rng.normal() + 1.5 * lab)))); }
  const roc = rocCurve(y, s);
  it('keeps the exact end points, stays under the cap and keeps the area', () => {
    const d = downsampleRoc(roc, 100);
    expect(roc.fpr.length).toBeGreaterThan(1000);
    expect(d.fpr.length).toBeLessThanOrEqual(100);
    expect([d.fpr[0], d.tpr[0]]).toEqual([0, 0]);
    expect([d.fpr[d.fpr.length - 1], d.tpr[d.tpr.length - 1]]).toEqual([1, 1]);
    expect(d.thresholds[0]).toBe(Infinity);
    expect(Math.abs(trapezoidArea(d.fpr, d.tpr) - rocAuc(y, s))).toBeLessThan(2e-3);
    for (let i = 1; i < d.fpr.length; i++) { expect(d.fpr[i]).toBeGreaterThanOrEqual(d.fpr[i - 1]); expect(d.thresholds[i]).toBeLessThan(d.thresholds[i - 1]); }
  });
});

describe('errors and edge cases', () => {
  it('AUC and ROC refuse a single class, as scikit-learn does', () => {
    expect(() => rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toThrow(/only one class/);
    expect(() => rocCurve([0, 0], [0.2, 0.5])).toThrow(/only one class/);
  });
  it('zero division gives 0 (no predicted signal)', () => {
    const r = classificationReport([0, 1, 1], [0.1, 0.2, 0.3]);
    expect(r.signal.precision).toBe(0);
    expect(r.signal.f1).toBe(0);
    expect(r.background.precision).toBeCloseTo(1 / 3, 12);
  });
  it('AUC counts ties as one half', () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 1, 0, 1], [0.2, 0.2, 0.1, 0.9])).toBeCloseTo(0.875, 12);
  });
  it('histograms put the upper edge in the last bin and count what falls outside', () => {
    const h = histogram([0, 0.5, 1, 1.5, -0.1, NaN], 2, 0, 1);
    expect(h.counts).toEqual([1, 2]);
    expect(h.overflow).toBe(1);
    expect(h.underflow).toBe(2);
    const sh = scoreHistograms([1, 0, 1], [0.9, 0.1, 1], 10);
    expect(sh.signal.counts[9]).toBe(2);
    expect(sh.background.counts[1]).toBe(1);
  });
});

describe('permutation importance', () => {
  it('ranks the feature the score depends on first and is reproducible', async () => {
    const rng = createRng(3);
    const n = 2000, nf = 3;
    const x = new Float32Array(n * nf), y = new Float32Array(n);
    for (let i = 0; i < n; i++) { y[i] = rng.next() < 0.5 ? 1 : 0; x[i * nf] = rng.normal(); x[i * nf + 1] = y[i] * 2 + rng.normal(); x[i * nf + 2] = rng.normal(); }
    const score = (m: Float32Array) => { let ok = 0; for (let i = 0; i < n; i++) ok += (m[i * nf + 1] > 1 ? 1 : 0) === y[i] ? 1 : 0; return ok / n; };
    const run = () => { const r = createRng(11); return permutationImportance({ x, nFeatures: nf, features: ['a', 'b', 'c'], score, repeats: 3, shuffle: (a) => r.shuffle(a) }); };
    const res = await run();
    expect(res.importances[1].mean).toBeGreaterThan(0.2);
    expect(Math.abs(res.importances[0].mean)).toBe(0);
    expect(Math.abs(res.importances[2].mean)).toBe(0);
    expect((await run()).importances[1].drops).toEqual(res.importances[1].drops);
    expect(x[1]).toBe(x[1]); // the input is not modified
  });
});

import { describe, expect, it } from 'vitest';
import { ThresholdSweeper, lowerBound, samplePairs, gaussianRoc, normalCdf, erf } from '../../core/threshold';
import { confusionAt, rocAuc, rocCurve, trapezoidArea } from '../../core/metrics';
import { createRng } from '../../core/rng';

function data(n: number, seed: number) {
  const rng = createRng(seed);
  const labels = new Float32Array(n), scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.next() < 0.4 ? 1 : 0;
    // Rounded scores so that ties and thresholds equal to a score are exercised.
    scores[i] = Math.round(1000 / (1 + Math.exp(-(rng.normal() + 1.2 * labels[i])))) / 1000;
  }
  return { labels, scores };
}

describe('ThresholdSweeper', () => {
  const { labels, scores } = data(5000, 3);
  const sw = new ThresholdSweeper(labels, scores);
  it('gives the same confusion matrix as a full pass, at any threshold including ties and the ends', () => {
    const ts = [-1, 0, 0.001, 0.25, 0.5, 0.5005, 0.731, 0.999, 1, 2, scores[0], scores[17]];
    for (const t of ts) expect(sw.at(t)).toEqual(confusionAt(labels, scores, t));
    const c = sw.at(0.4);
    expect(c.tp + c.fn + c.fp + c.tn).toBe(5000);
  });
  it('lowerBound finds the first element >= t', () => {
    const a = [0.1, 0.2, 0.2, 0.3];
    expect([0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4].map((t) => lowerBound(a, t))).toEqual([0, 0, 1, 1, 3, 3, 4]);
  });
  it('rates at the ROC thresholds are the ROC curve', () => {
    const roc = rocCurve(labels, scores);
    for (let k = 1; k < roc.fpr.length; k += 37) {
      const r = sw.rates(roc.thresholds[k]);
      expect(r.fpr).toBeCloseTo(roc.fpr[k], 12);
      expect(r.tpr).toBeCloseTo(roc.tpr[k], 12);
    }
  });
  it('working points keep at least the asked signal efficiency, at the highest such threshold', () => {
    for (const e of [0.5, 0.7, 0.9]) {
      const wp = sw.workingPoint(e);
      expect(wp.signalEff).toBeGreaterThanOrEqual(e);
      // Any higher threshold loses signal below the target.
      const above = sw.signal.find((s) => s > wp.threshold);
      if (above !== undefined) expect(sw.rates(above).tpr).toBeLessThan(e);
      expect(wp.rejection).toBeCloseTo(1 / wp.backgroundEff, 12);
    }
  });
  it('sampled pairs estimate the AUC', () => {
    const auc = rocAuc(labels, scores);
    const { pairs, correct } = samplePairs(sw, 20000, createRng(9));
    expect(pairs.length).toBe(20000);
    expect(Math.abs(correct / 20000 - auc)).toBeLessThan(0.015);
  });
  it('refuses labels other than 0 and 1', () => {
    expect(() => new ThresholdSweeper([0, 2], [0.1, 0.2])).toThrow(/0 or 1/);
  });
});

describe('two Gaussians', () => {
  it('erf and the normal CDF match known values', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(1)).toBeCloseTo(0.8427007929, 6);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
  });
  it('the ROC area equals Φ(d/√2); no separation gives the diagonal', () => {
    for (const d of [0, 0.5, 1, 2, 3]) {
      const r = gaussianRoc(d, 2001);
      const order = r.fpr.map((_, i) => i);
      expect(trapezoidArea(order.map((i) => r.fpr[i]), order.map((i) => r.tpr[i]))).toBeCloseTo(r.auc, 3);
    }
    expect(gaussianRoc(0).auc).toBeCloseTo(0.5, 7);
    const r = gaussianRoc(0);
    r.fpr.forEach((f, i) => expect(r.tpr[i]).toBeCloseTo(f, 7));
  });
});

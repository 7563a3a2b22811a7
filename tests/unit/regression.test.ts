import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fitPolynomial, noisyParabola, noisyQuartic, predictPolynomial, r2Score, splitIndices } from '../../core/regression';
import { lstsq, solveSpd } from '../../core/linalg';

const ref = JSON.parse(readFileSync(new URL('../../../shared/fixtures/polyfit-reference.json', import.meta.url), 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('polynomial least squares (reference fit of the noisy quartic, 1e-6 relative)', () => {
  const fit = fitPolynomial(ref.x, ref.y, ref.degree);
  it('coefficients of x..x^4, intercept and R²', () => {
    ref.coef_x1_to_x4.forEach((c: number, j: number) => expect(rel(fit.coef[j + 1], c)).toBeLessThan(1e-6));
    expect(rel(fit.coef[0], ref.intercept)).toBeLessThan(1e-6);
    expect(rel(fit.r2, ref.r2)).toBeLessThan(1e-6);
  });
  it('degree 12 still fits exactly-representable data (no normal-equation blow-up)', () => {
    const x = Array.from({ length: 60 }, (_, i) => 150 + i); // far from zero, like flipper lengths
    const y = x.map((v) => 1 + 0.5 * ((v - 180) / 30) ** 12);
    const f12 = fitPolynomial(x, y, 12);
    const yHat = predictPolynomial(f12, x);
    y.forEach((v, i) => expect(Math.abs(yHat[i] - v)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
  });
  it('R² on held-out points falls when the degree is far too high', () => {
    const d = noisyQuartic(30, 3, 7);
    const { train, test } = splitIndices(30, 0.5, 1);
    const r2For = (deg: number) => {
      const f = fitPolynomial(train.map((i) => d.x[i]), train.map((i) => d.y[i]), deg);
      return { fitR2: f.r2, heldOut: r2Score(test.map((i) => d.y[i]), predictPolynomial(f, test.map((i) => d.x[i]))) };
    };
    const [d4, d12] = [r2For(4), r2For(12)];
    expect(d12.fitR2).toBeGreaterThanOrEqual(d4.fitR2);
    expect(d12.heldOut).toBeLessThan(d4.heldOut);
  });
});

describe('linear algebra helpers', () => {
  it('lstsq solves a square system exactly and refuses too few rows', () => {
    expect(lstsq([[2, 1], [1, 3]], [3, 5]).map((v) => +v.toFixed(12))).toEqual([0.8, 1.4]);
    expect(() => lstsq([[1, 2]], [1])).toThrow(/cannot determine/);
  });
  it('solveSpd solves and rejects indefinite matrices', () => {
    expect(solveSpd([[4, 2], [2, 3]], [2, 1]).map((v) => +v.toFixed(12))).toEqual([0.5, 0]);
    expect(() => solveSpd([[1, 2], [2, 1]], [1, 1])).toThrow(/positive definite/);
  });
});

describe('seeded toy data', () => {
  it('the same seed gives the same points, another seed other points', () => {
    expect(Array.from(noisyParabola(20, 0.3, 5).y)).toEqual(Array.from(noisyParabola(20, 0.3, 5).y));
    expect(Array.from(noisyParabola(20, 0.3, 5).y)).not.toEqual(Array.from(noisyParabola(20, 0.3, 6).y));
    const q = noisyQuartic(11, 0, 1);
    expect(q.x[0]).toBe(-2);
    expect(q.x[10]).toBe(3);
    expect(q.y[0]).toBeCloseTo(3 - 40 + 24 + 32, 12);
  });
});

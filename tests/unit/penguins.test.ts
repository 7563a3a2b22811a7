import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadPenguins } from '../../core/penguins-node';
import { adelieVsChinstrap, cleanPenguins, column, speciesIndex, SPECIES } from '../../core/penguins';
import { fitLinear, predictLinear } from '../../core/regression';
import { LogisticGdTrainer, accuracy, argmax, binaryCrossEntropy, binaryProba, fitBinaryLogistic, fitSoftmax, softmaxCrossEntropy, softmaxObjective, softmaxProba } from '../../core/logistic';

const ref = JSON.parse(readFileSync(new URL('../../../shared/fixtures/penguins-reference.json', import.meta.url), 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('penguin cleaning', () => {
  const { raw, clean } = loadPenguins();
  it('reads all 344 rows from the installed vega-datasets and keeps the 333 complete ones', () => {
    expect(raw.length).toBe(344);
    expect(clean.rows.length).toBe(ref.n_rows);
    expect(clean.dropped.length).toBe(11);
    expect(clean.rawCount).toBe(344);
  });
  it('drops the "." sex as missing, not only nulls', () => {
    const dot = clean.dropped.filter((d) => d.row.Sex === '.');
    expect(dot.length).toBe(1);
    expect(dot[0].missing).toEqual(['sex']);
    expect(clean.rows.every((r) => r.sex === 'MALE' || r.sex === 'FEMALE')).toBe(true);
  });
  it('rejects malformed input with a message', () => {
    expect(() => cleanPenguins({})).toThrow(/array/);
    expect(() => cleanPenguins([{ Species: 'Emperor', Island: 'x', 'Beak Length (mm)': 1, 'Beak Depth (mm)': 1, 'Flipper Length (mm)': 1, 'Body Mass (g)': 1, Sex: 'MALE' }])).toThrow(/species/);
  });
  it('counts the species like the course (146 Adelie, 68 Chinstrap, 119 Gentoo)', () => {
    expect(SPECIES.map((s) => clean.rows.filter((r) => r.species === s).length)).toEqual([146, 68, 119]);
  });
});

describe('ordinary least squares on the penguins (scikit-learn reference, 1e-6 relative)', () => {
  const rows = loadPenguins().clean.rows;
  const mass = column(rows, 'body_mass_g');
  it('flipper length -> body mass', () => {
    const f = fitLinear([column(rows, 'flipper_length_mm')], mass);
    const r = ref.ols_flipper_to_mass;
    expect(rel(f.coef[0], r.slope)).toBeLessThan(1e-6);
    expect(rel(f.intercept, r.intercept)).toBeLessThan(1e-6);
    expect(rel(f.r2, r.r2)).toBeLessThan(1e-6);
    for (const [at, want] of Object.entries(r.predict_at)) {
      expect(rel(predictLinear(f, [[Number(at)]])[0], want as number)).toBeLessThan(1e-6);
    }
  });
  it('flipper, bill depth, bill length -> body mass', () => {
    const r = ref.ols_flipper_billdepth_billlength_to_mass;
    const f = fitLinear(r.features.map((c: any) => column(rows, c)), mass);
    f.coef.forEach((c, j) => expect(rel(c, r.coef[j])).toBeLessThan(1e-6));
    expect(rel(f.intercept, r.intercept)).toBeLessThan(1e-6);
    expect(rel(f.r2, r.r2)).toBeLessThan(1e-6);
  });
  it('flipper, bill length -> body mass (the fitted plane)', () => {
    const r = ref.ols_flipper_billlength_to_mass;
    const f = fitLinear([column(rows, 'flipper_length_mm'), column(rows, 'bill_length_mm')], mass);
    f.coef.forEach((c, j) => expect(rel(c, r.coef[j])).toBeLessThan(1e-6));
    expect(rel(f.intercept, r.intercept)).toBeLessThan(1e-6);
    expect(rel(f.r2, r.r2)).toBeLessThan(1e-6);
  });
  it('refuses a fit with a repeated input column', () => {
    const fl = column(rows, 'flipper_length_mm');
    expect(() => fitLinear([fl, fl], mass)).toThrow(/combination/);
  });
});

describe('logistic regression, Adelie vs Chinstrap (scikit-learn lbfgs reference, 1e-3 relative)', () => {
  const pair = adelieVsChinstrap(loadPenguins().clean.rows);
  const X = pair.map((p) => [p.bill_length_mm, p.bill_depth_mm]);
  const y = pair.map((p) => (p.species === 'Chinstrap' ? 1 : 0));
  const r = ref.logreg_adelie_vs_chinstrap;
  const m = fitBinaryLogistic(X, y);
  it('uses the same 214 penguins and the same row 60', () => {
    expect(pair.length).toBe(r.n_rows);
    expect(X[60]).toEqual(r.row60_features);
  });
  it('converges to scikit-learn\'s coefficients and intercept', () => {
    expect(m.converged).toBe(true);
    m.coef.forEach((c, j) => expect(rel(c, r.coef[j])).toBeLessThan(1e-3));
    expect(rel(m.intercept, r.intercept)).toBeLessThan(1e-3);
  });
  it('predict_proba for row 60 and the accuracy', () => {
    const p = binaryProba(m, X[60]);
    expect(rel(p[0], r.row60_proba[0])).toBeLessThan(1e-3);
    expect(rel(p[1], r.row60_proba[1])).toBeLessThan(1e-3);
    const pred = X.map((x) => (binaryProba(m, x)[1] >= 0.5 ? 1 : 0));
    expect(accuracy(y, pred)).toBeCloseTo(r.accuracy, 12);
  });
  it('a larger C means a weaker penalty and larger weights', () => {
    const loose = fitBinaryLogistic(X, y, { C: 100 });
    expect(Math.hypot(...loose.coef)).toBeGreaterThan(Math.hypot(...m.coef));
  });
  it('cross-entropy stays finite when the sigmoid saturates (pitfalls #2)', () => {
    const huge = binaryCrossEntropy([[1e4, 0]], [0], [10, 0], 0);
    expect(Number.isFinite(huge)).toBe(true);
    expect(huge).toBeCloseTo(1e5, 6);
  });
});

describe('softmax regression, three species (multinomial, L2 C = 1)', () => {
  const rows = loadPenguins().clean.rows;
  const X = rows.map((p) => [p.bill_length_mm, p.bill_depth_mm]);
  const y = rows.map((p) => speciesIndex(p.species));
  const r = ref.logreg_multinomial_3_species;
  // Independent exact minimum (scipy, scripts/reference/softmax_exact.py).
  const exact = JSON.parse(readFileSync(new URL('./fixtures/softmax-exact.json', import.meta.url), 'utf8'));
  const m = fitSoftmax(X, y, 3);
  it('reaches the exact minimum of the objective (1e-6 relative)', () => {
    expect(m.converged).toBe(true);
    m.coef.forEach((row, k) => row.forEach((c, j) => expect(rel(c, exact.coef[k][j])).toBeLessThan(1e-6)));
    const mean = m.intercept.reduce((a, b) => a + b, 0) / 3;
    m.intercept.forEach((b, k) => expect(rel(b - mean, exact.intercept[k])).toBeLessThan(1e-6));
    expect(rel(softmaxObjective(X, y, m, 1), exact.objective)).toBeLessThan(1e-12);
  });
  it('agrees with scikit-learn\'s lbfgs answer, which stops slightly short of the minimum', () => {
    // scikit-learn's point has a (slightly) higher objective: ours is the better minimum.
    expect(softmaxObjective(X, y, m, 1)).toBeLessThan(softmaxObjective(X, y, r, 1));
    m.coef.forEach((row, k) => row.forEach((c, j) => expect(rel(c, r.coef[k][j])).toBeLessThan(5e-3)));
    m.intercept.forEach((b, k) => expect(rel(b, r.intercept[k])).toBeLessThan(5e-2));
    for (const x of X) softmaxProba(m, x).forEach((p, k) => expect(Math.abs(p - softmaxProba(r, x)[k])).toBeLessThan(5e-3));
  });
  it('accuracy and probabilities that sum to one', () => {
    const pred = X.map((x) => argmax(softmaxProba(m, x)));
    expect(accuracy(y, pred)).toBeCloseTo(r.accuracy, 12);
    const p = softmaxProba(m, X[0]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Number.isFinite(softmaxCrossEntropy(X, y, m))).toBe(true);
  });
});

describe('live gradient-descent training reaches the same minimum as Newton', () => {
  const rows = loadPenguins().clean.rows;
  it('two species (sigmoid): Adam on standardised inputs with the raw-unit penalty', () => {
    const pair = adelieVsChinstrap(rows);
    const X = pair.map((p) => [p.bill_length_mm, p.bill_depth_mm]);
    const y = pair.map((p) => (p.species === 'Chinstrap' ? 1 : 0));
    const newton = fitBinaryLogistic(X, y);
    const gd = new LogisticGdTrainer(X, y, 2, { lr: 0.05 });
    const losses = gd.train(6000);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const m = gd.model();
    m.coef[0].forEach((c, j) => expect(rel(c, newton.coef[j])).toBeLessThan(1e-3));
    expect(rel(m.intercept[0], newton.intercept)).toBeLessThan(1e-3);
  });
  it('three species (softmax)', () => {
    const X = rows.map((p) => [p.bill_length_mm, p.bill_depth_mm]);
    const y = rows.map((p) => speciesIndex(p.species));
    const newton = fitSoftmax(X, y, 3);
    const gd = new LogisticGdTrainer(X, y, 3, { lr: 0.05 });
    gd.train(8000);
    const m = gd.model();
    for (const x of X.slice(0, 50)) softmaxProba(m, x).forEach((p, k) => expect(Math.abs(p - softmaxProba(newton, x)[k])).toBeLessThan(1e-3));
  });
});

/**
 * Numbers quoted in the prose of chapters 2-4, computed at build time (Node) from the
 * installed penguins with the same core/ code the widgets run, so text and widgets agree.
 */
import { loadPenguins } from './penguins-node';
import { adelieVsChinstrap, column, speciesIndex } from './penguins';
import { fitLinear, fitPolynomial, noisyQuartic, predictLinear } from './regression';
import { accuracy, argmax, binaryProba, fitBinaryLogistic, fitSoftmax, softmaxProba } from './logistic';
import { createPlainOptimizer, trainLinear } from './rprop';
import { createRng } from './rng';
import { fitScaler } from './scaler';

const f = (v: number, digits: number) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function penguinNumbers() {
  const { raw, clean } = loadPenguins();
  const rows = clean.rows;
  const flipper = column(rows, 'flipper_length_mm'), mass = column(rows, 'body_mass_g');
  const simple = fitLinear([flipper], mass);
  const three = fitLinear([flipper, column(rows, 'bill_depth_mm'), column(rows, 'bill_length_mm')], mass);
  const plane = fitLinear([flipper, column(rows, 'bill_length_mm')], mass);
  const quartic = noisyQuartic(200, 2, 1);
  const q4 = fitPolynomial(quartic.x, quartic.y, 4);

  // Chapter 3: the course's loop, Rprop with PyTorch defaults on raw inputs, from nn.Linear's seeded start.
  const gd = (type: 'rprop' | 'sgd', lr: number, steps: number, standardise: boolean) => {
    const rng = createRng(1);
    const p = new Float64Array([rng.uniform(-1, 1), rng.uniform(-1, 1)]);
    const s = fitScaler(flipper, 1);
    const [m, sd] = standardise ? [s.mean[0], s.scale[0]] : [0, 1];
    const run = trainLinear(p, createPlainOptimizer({ type, lr }, 2), Array.from(flipper, (v) => (v - m) / sd), mass, steps);
    return { w: p[0] / sd, b: p[1] - (p[0] * m) / sd, loss: run.losses[run.losses.length - 1], diverged: run.diverged };
  };
  const rprop = gd('rprop', 0.01, 2000, false);
  const sgdRaw = gd('sgd', 1e-5, 2000, false);
  const sgdStd = gd('sgd', 0.1, 200, true);

  const pair = adelieVsChinstrap(rows);
  const X2 = pair.map((p) => [p.bill_length_mm, p.bill_depth_mm]);
  const y2 = pair.map((p) => (p.species === 'Chinstrap' ? 1 : 0));
  const logit = fitBinaryLogistic(X2, y2);
  const row60 = binaryProba(logit, X2[60]);
  const acc2 = accuracy(y2, X2.map((x) => (binaryProba(logit, x)[1] >= 0.5 ? 1 : 0)));
  const X3 = rows.map((p) => [p.bill_length_mm, p.bill_depth_mm]);
  const y3 = rows.map((p) => speciesIndex(p.species));
  const soft = fitSoftmax(X3, y3, 3);
  const acc3 = accuracy(y3, X3.map((x) => argmax(softmaxProba(soft, x))));

  return {
    rawCount: raw.length,
    n: rows.length,
    droppedCount: clean.dropped.length,
    dropped: clean.dropped.map((d) => ({ index: d.index, species: String(d.row.Species), missing: d.missing.join(', ') })),
    counts: { Adelie: rows.filter((r) => r.species === 'Adelie').length, Chinstrap: rows.filter((r) => r.species === 'Chinstrap').length, Gentoo: rows.filter((r) => r.species === 'Gentoo').length },
    simple: { slope: f(simple.coef[0], 2), intercept: f(simple.intercept, 1), r2: f(simple.r2, 3), at300: f(predictLinear(simple, [[300]])[0], 0), at500: f(predictLinear(simple, [[500]])[0], 0) },
    three: { coef: three.coef.map((c) => f(c, 2)), intercept: f(three.intercept, 1), r2: f(three.r2, 3) },
    plane: { coef: plane.coef.map((c) => f(c, 2)), intercept: f(plane.intercept, 1), r2: f(plane.r2, 4) },
    quartic: { coef: q4.coef.map((c) => f(c, 2)), r2: f(q4.r2, 3) },
    gd: {
      rprop: { w: f(rprop.w, 2), b: f(rprop.b, 1) },
      sgdRaw: { w: f(sgdRaw.w, 2), b: f(sgdRaw.b, 1), loss: f(sgdRaw.loss, 0) },
      sgdStd: { w: f(sgdStd.w, 2), b: f(sgdStd.b, 1) },
      exactLoss: f(rprop.loss, 0),
    },
    logit: { coef: logit.coef.map((c) => f(c, 3)), intercept: f(logit.intercept, 2), n: pair.length, row60: X2[60], p60: row60.map((p) => f(p, 4)), acc: f(100 * acc2, 1), iterations: logit.iterations },
    softmax: { coef: soft.coef.map((r) => r.map((c) => f(c, 3))), intercept: soft.intercept.map((c) => f(c, 2)), acc: f(100 * acc3, 1) },
  };
}

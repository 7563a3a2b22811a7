/**
 * Logistic regression as scikit-learn's default LogisticRegression fits it: L2 penalty with
 * C = 1 (objective C·Σ log-loss + ½‖w‖², intercepts not penalised), solved to convergence.
 * scikit-learn uses L-BFGS; these functions use Newton's method with a backtracking line
 * search, which reaches the same minimum to machine precision in a dozen steps.
 * Binary (sigmoid) and multinomial (softmax over K classes). Losses are computed from the
 * logits (log-sum-exp), so a saturated sigmoid never produces log(0) (pitfalls #2).
 */
import { solveSpd, type Matrix } from './linalg';

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export interface BinaryLogistic {
  coef: number[];
  intercept: number;
  iterations: number;
  converged: boolean;
}

export interface FitOptions {
  /** Inverse penalty strength (scikit-learn's C). Default 1. */
  C?: number;
  maxIter?: number;
  /** Stop when the largest gradient component is below this. */
  tol?: number;
}

/** Penalised objective: C·Σ log-loss(y, σ(x·w + b)) + ½‖w‖² (labels 0/1). */
export function binaryObjective(X: Matrix, y: ArrayLike<number>, coef: number[], intercept: number, C = 1): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) {
    let z = intercept;
    for (let j = 0; j < coef.length; j++) z += coef[j] * X[i][j];
    s += y[i] ? softplus(-z) : softplus(z);
  }
  return C * s + 0.5 * coef.reduce((a, w) => a + w * w, 0);
}

/** Mean binary cross-entropy (the loss a training loop shows), from logits. */
export function binaryCrossEntropy(X: Matrix, y: ArrayLike<number>, coef: number[], intercept: number): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) {
    let z = intercept;
    for (let j = 0; j < coef.length; j++) z += coef[j] * X[i][j];
    s += y[i] ? softplus(-z) : softplus(z);
  }
  return s / X.length;
}

export function fitBinaryLogistic(X: Matrix, y: ArrayLike<number>, { C = 1, maxIter = 100, tol = 1e-10 }: FitOptions = {}): BinaryLogistic {
  const n = X.length;
  if (n === 0 || y.length !== n) throw new Error(`fitBinaryLogistic: ${n} rows and ${y.length} labels`);
  const d = X[0].length;
  let theta = new Array<number>(d + 1).fill(0); // [w..., b]
  const objective = (t: number[]) => binaryObjective(X, y, t.slice(0, d), t[d], C);
  let f = objective(theta);
  for (let it = 1; it <= maxIter; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H: Matrix = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      let z = theta[d];
      for (let j = 0; j < d; j++) z += theta[j] * X[i][j];
      const p = sigmoid(z);
      const r = C * (p - y[i]);
      const wgt = C * p * (1 - p);
      const xt = [...X[i], 1];
      for (let a = 0; a <= d; a++) {
        g[a] += r * xt[a];
        for (let b = 0; b <= a; b++) H[a][b] += wgt * xt[a] * xt[b];
      }
    }
    for (let j = 0; j < d; j++) { g[j] += theta[j]; H[j][j] += 1; }
    for (let a = 0; a <= d; a++) for (let b = a + 1; b <= d; b++) H[a][b] = H[b][a];
    if (Math.max(...g.map(Math.abs)) < tol * Math.max(1, C * n)) return { coef: theta.slice(0, d), intercept: theta[d], iterations: it - 1, converged: true };
    const step = solveSpd(H, g.map((v) => -v));
    const slope = step.reduce((s, v, k) => s + v * g[k], 0);
    let t = 1;
    let next = theta.map((v, k) => v + t * step[k]);
    let fNext = objective(next);
    while (fNext > f + 1e-4 * t * slope && t > 1e-10) {
      t /= 2;
      next = theta.map((v, k) => v + t * step[k]);
      fNext = objective(next);
    }
    const moved = Math.max(...step.map((v) => Math.abs(t * v)));
    theta = next;
    f = fNext;
    if (moved < 1e-14 * Math.max(1, ...theta.map(Math.abs))) return { coef: theta.slice(0, d), intercept: theta[d], iterations: it, converged: true };
  }
  return { coef: theta.slice(0, d), intercept: theta[d], iterations: maxIter, converged: false };
}

/** [P(class 0), P(class 1)] for one row, like predict_proba. */
export function binaryProba(model: Pick<BinaryLogistic, 'coef' | 'intercept'>, x: ArrayLike<number>): [number, number] {
  let z = model.intercept;
  for (let j = 0; j < model.coef.length; j++) z += model.coef[j] * x[j];
  const p = sigmoid(z);
  return [1 - p, p];
}

export interface SoftmaxModel {
  /** coef[k] = weights of class k (K rows of d). */
  coef: number[][];
  intercept: number[];
  iterations?: number;
  converged?: boolean;
}

/** Class probabilities for one row (softmax of the K logits, shifted by the max for stability). */
export function softmaxProba(model: Pick<SoftmaxModel, 'coef' | 'intercept'>, x: ArrayLike<number>): number[] {
  const z = model.coef.map((w, k) => w.reduce((s, v, j) => s + v * x[j], model.intercept[k]));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Mean cross-entropy −log p(true class), from logits (log-sum-exp). */
export function softmaxCrossEntropy(X: Matrix, y: ArrayLike<number>, model: Pick<SoftmaxModel, 'coef' | 'intercept'>): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) {
    const z = model.coef.map((w, k) => w.reduce((a, v, j) => a + v * X[i][j], model.intercept[k]));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    s += lse - z[y[i]];
  }
  return s / X.length;
}

/** Penalised objective C·Σ −log p(true class) + ½Σ‖w_k‖² (scikit-learn's multinomial). */
export function softmaxObjective(X: Matrix, y: ArrayLike<number>, model: Pick<SoftmaxModel, 'coef' | 'intercept'>, C: number): number {
  const pen = model.coef.reduce((a, w) => a + w.reduce((b, v) => b + v * v, 0), 0);
  return C * X.length * softmaxCrossEntropy(X, y, model) + 0.5 * pen;
}

/**
 * Multinomial logistic regression (labels 0..K−1), scikit-learn's symmetric parametrisation:
 * every class has its own weights, all penalised; intercepts unpenalised. The objective does not
 * change when the same number is added to every intercept, so the Hessian is singular along that
 * direction; the gradient has no component there, and the Newton step is solved with that
 * direction lifted out (intercepts stay summing to zero, as scikit-learn's do).
 */
export function fitSoftmax(X: Matrix, y: ArrayLike<number>, K: number, { C = 1, maxIter = 100, tol = 1e-10 }: FitOptions = {}): SoftmaxModel {
  const n = X.length;
  if (n === 0 || y.length !== n) throw new Error(`fitSoftmax: ${n} rows and ${y.length} labels`);
  const d = X[0].length;
  const P = K * (d + 1); // class k: params k*(d+1) .. k*(d+1)+d (last = intercept)
  const unpack = (t: number[]): SoftmaxModel => ({
    coef: Array.from({ length: K }, (_, k) => t.slice(k * (d + 1), k * (d + 1) + d)),
    intercept: Array.from({ length: K }, (_, k) => t[k * (d + 1) + d]),
  });
  let theta = new Array<number>(P).fill(0);
  let f = softmaxObjective(X, y, unpack(theta), C);
  for (let it = 1; it <= maxIter; it++) {
    const g = new Array<number>(P).fill(0);
    const H: Matrix = Array.from({ length: P }, () => new Array<number>(P).fill(0));
    const model = unpack(theta);
    for (let i = 0; i < n; i++) {
      const p = softmaxProba(model, X[i]);
      const xt = [...X[i], 1];
      for (let k = 0; k < K; k++) {
        const r = C * (p[k] - (y[i] === k ? 1 : 0));
        for (let a = 0; a <= d; a++) g[k * (d + 1) + a] += r * xt[a];
        for (let l = 0; l <= k; l++) {
          const wgt = C * p[k] * ((k === l ? 1 : 0) - p[l]);
          for (let a = 0; a <= d; a++) for (let b = 0; b <= d; b++) H[k * (d + 1) + a][l * (d + 1) + b] += wgt * xt[a] * xt[b];
        }
      }
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) { g[k * (d + 1) + j] += theta[k * (d + 1) + j]; H[k * (d + 1) + j][k * (d + 1) + j] += 1; }
    for (let a = 0; a < P; a++) for (let b = a + 1; b < P; b++) H[a][b] = H[b][a];
    // Lift the null direction (all intercepts together) with a rank-one term: it is an exact
    // eigenvector of H with eigenvalue 0, and g has no component along it.
    const scale = Math.max(1, ...H.map((row, a) => row[a]));
    for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) H[k * (d + 1) + d][l * (d + 1) + d] += scale / K;
    if (Math.max(...g.map(Math.abs)) < tol * Math.max(1, C * n)) return { ...unpack(theta), iterations: it - 1, converged: true };
    const step = solveSpd(H, g.map((v) => -v));
    const slope = step.reduce((s, v, k) => s + v * g[k], 0);
    let t = 1;
    let next = theta.map((v, k) => v + t * step[k]);
    let fNext = softmaxObjective(X, y, unpack(next), C);
    while (fNext > f + 1e-4 * t * slope && t > 1e-10) {
      t /= 2;
      next = theta.map((v, k) => v + t * step[k]);
      fNext = softmaxObjective(X, y, unpack(next), C);
    }
    const moved = Math.max(...step.map((v) => Math.abs(t * v)));
    theta = next;
    f = fNext;
    if (moved < 1e-14 * Math.max(1, ...theta.map(Math.abs))) return { ...unpack(theta), iterations: it, converged: true };
  }
  return { ...unpack(theta), iterations: maxIter, converged: false };
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) c++;
  return c / yTrue.length;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/**
 * Live training of the same penalised objective by gradient descent, as a PyTorch loop would
 * do it: inputs standardised (z = (x − mean) / sd), Adam on the weights v of the standardised
 * inputs, and the penalty written for the weights of the raw inputs (w = v / sd) so the
 * minimum is exactly scikit-learn's. K = 1 means a single sigmoid output (two classes);
 * K ≥ 3 a softmax over K classes. The loss reported is the objective per penguin,
 * mean cross-entropy + ‖w‖² / (2·C·n), computed from logits.
 */
export class LogisticGdTrainer {
  readonly n: number;
  readonly d: number;
  readonly outputs: number;
  private z: number[][];
  private mean: number[];
  private sd: number[];
  /** Per output: d weights then the intercept, in standardised space. */
  private theta: number[];
  private m: number[];
  private v: number[];
  private t = 0;

  constructor(private X: Matrix, private y: ArrayLike<number>, K: number, private opts: { C?: number; lr?: number } = {}) {
    this.n = X.length;
    this.d = X[0].length;
    this.outputs = K === 2 ? 1 : K;
    this.mean = Array.from({ length: this.d }, (_, j) => X.reduce((s, r) => s + r[j], 0) / this.n);
    this.sd = Array.from({ length: this.d }, (_, j) => Math.sqrt(X.reduce((s, r) => s + (r[j] - this.mean[j]) ** 2, 0) / this.n) || 1);
    this.z = X.map((r) => r.map((v, j) => (v - this.mean[j]) / this.sd[j]));
    const P = this.outputs * (this.d + 1);
    this.theta = new Array(P).fill(0);
    this.m = new Array(P).fill(0);
    this.v = new Array(P).fill(0);
  }

  /** Objective per penguin and its gradient in standardised space. */
  lossAndGrad(): { loss: number; grad: number[] } {
    const { n, d, outputs: K } = this;
    const C = this.opts.C ?? 1;
    const grad = new Array(this.theta.length).fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const zi = this.z[i];
      const logits = Array.from({ length: K }, (_, k) => zi.reduce((s, v, j) => s + v * this.theta[k * (d + 1) + j], this.theta[k * (d + 1) + d]));
      let resid: number[];
      if (K === 1) {
        const yi = this.y[i] ? 1 : 0;
        loss += yi ? softplus(-logits[0]) : softplus(logits[0]);
        resid = [sigmoid(logits[0]) - yi];
      } else {
        const mx = Math.max(...logits);
        const lse = mx + Math.log(logits.reduce((s, v) => s + Math.exp(v - mx), 0));
        loss += lse - logits[this.y[i]];
        resid = logits.map((v, k) => Math.exp(v - lse) - (this.y[i] === k ? 1 : 0));
      }
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) grad[k * (d + 1) + j] += resid[k] * zi[j] / n;
        grad[k * (d + 1) + d] += resid[k] / n;
      }
    }
    loss /= n;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) {
      const vkj = this.theta[k * (d + 1) + j];
      const s2 = this.sd[j] * this.sd[j];
      loss += (vkj * vkj) / s2 / (2 * C * n);
      grad[k * (d + 1) + j] += vkj / s2 / (C * n);
    }
    return { loss, grad };
  }

  /** `steps` Adam steps (PyTorch's rule); returns the loss before each step. Stops at a non-finite loss. */
  train(steps: number): number[] {
    const lr = this.opts.lr ?? 0.05;
    const out: number[] = [];
    for (let s = 0; s < steps; s++) {
      const { loss, grad } = this.lossAndGrad();
      if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${this.t + 1}`);
      out.push(loss);
      this.t++;
      const bc1 = 1 - 0.9 ** this.t, bc2 = Math.sqrt(1 - 0.999 ** this.t);
      for (let p = 0; p < grad.length; p++) {
        this.m[p] = 0.9 * this.m[p] + 0.1 * grad[p];
        this.v[p] = 0.999 * this.v[p] + 0.001 * grad[p] * grad[p];
        this.theta[p] -= (lr / bc1) * (this.m[p] / (Math.sqrt(this.v[p]) / bc2 + 1e-8));
      }
    }
    return out;
  }

  /** Largest gradient component (0 at the minimum). */
  gradNorm(): number {
    return Math.max(...this.lossAndGrad().grad.map(Math.abs));
  }

  get steps(): number { return this.t; }

  /** The model in raw units: weights per output row, and intercepts. */
  model(): { coef: number[][]; intercept: number[] } {
    const { d } = this;
    const coef: number[][] = [], intercept: number[] = [];
    for (let k = 0; k < this.outputs; k++) {
      const v = this.theta.slice(k * (d + 1), k * (d + 1) + d);
      coef.push(v.map((vj, j) => vj / this.sd[j]));
      intercept.push(this.theta[k * (d + 1) + d] - v.reduce((s, vj, j) => s + (vj * this.mean[j]) / this.sd[j], 0));
    }
    return { coef, intercept };
  }
}

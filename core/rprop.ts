/**
 * Optimisers on plain float arrays with PyTorch's exact update rules, for the small models
 * the book trains in the page (a one-input linear model, a 1→H→1 network whose gradients
 * come from TF.js). TF.js has no Rprop; the course uses torch.optim.Rprop, so it is here
 * with PyTorch's defaults: lr 0.01, etas (0.5, 1.2), step sizes (1e-6, 50).
 */
export type PlainOptimizerName = 'sgd' | 'rprop' | 'adam';
export const PLAIN_OPTIMIZERS: readonly PlainOptimizerName[] = ['sgd', 'rprop', 'adam'];

export interface PlainOptimizerSpec {
  type: PlainOptimizerName;
  /** PyTorch defaults: SGD has none (the book uses 0.01), Rprop 0.01, Adam 0.001. */
  lr?: number;
  /** Rprop (etaminus, etaplus); PyTorch default (0.5, 1.2). */
  etas?: [number, number];
  /** Rprop (min, max) step sizes; PyTorch default (1e-6, 50). */
  stepSizes?: [number, number];
  /** Adam (β1, β2); PyTorch default (0.9, 0.999). */
  betas?: [number, number];
  /** Adam; PyTorch default 1e-8. */
  eps?: number;
}

export const DEFAULT_LR: Record<PlainOptimizerName, number> = { sgd: 0.01, rprop: 0.01, adam: 0.001 };

export interface PlainOptimizer {
  readonly spec: Required<PlainOptimizerSpec>;
  /** Updates params in place from grads (same length). */
  step(params: Float64Array | Float32Array, grads: ArrayLike<number>): void;
  /** Forgets all state (PyTorch: a new optimiser object). */
  reset(): void;
}

export function createPlainOptimizer(spec: PlainOptimizerSpec, nParams: number): PlainOptimizer {
  if (!PLAIN_OPTIMIZERS.includes(spec.type)) throw new Error(`optimiser must be one of ${PLAIN_OPTIMIZERS.join(', ')} (got ${JSON.stringify(spec.type)})`);
  const full: Required<PlainOptimizerSpec> = {
    type: spec.type,
    lr: spec.lr ?? DEFAULT_LR[spec.type],
    etas: spec.etas ?? [0.5, 1.2],
    stepSizes: spec.stepSizes ?? [1e-6, 50],
    betas: spec.betas ?? [0.9, 0.999],
    eps: spec.eps ?? 1e-8,
  };
  if (!(full.lr > 0)) throw new Error(`learning rate must be positive (got ${full.lr})`);
  let t = 0;
  let a = new Float64Array(nParams); // Rprop: previous gradient; Adam: first moment
  let b = new Float64Array(nParams); // Rprop: step sizes;        Adam: second moment
  const reset = () => {
    t = 0;
    a = new Float64Array(nParams);
    b = new Float64Array(nParams);
    if (full.type === 'rprop') b.fill(full.lr);
  };
  reset();
  const check = (params: ArrayLike<number>, grads: ArrayLike<number>) => {
    if (params.length !== nParams || grads.length !== nParams) throw new Error(`optimiser made for ${nParams} parameters got ${params.length} parameters and ${grads.length} gradients`);
  };

  if (full.type === 'sgd') {
    return { spec: full, reset, step(p, g) { check(p, g); for (let i = 0; i < nParams; i++) p[i] -= full.lr * g[i]; } };
  }
  if (full.type === 'rprop') {
    const [etaMinus, etaPlus] = full.etas;
    const [minStep, maxStep] = full.stepSizes;
    return {
      spec: full, reset,
      step(p, g) {
        check(p, g);
        for (let i = 0; i < nParams; i++) {
          const s = Math.sign(g[i] * a[i]);
          let gi = g[i];
          if (s > 0) b[i] = Math.min(b[i] * etaPlus, maxStep);
          else if (s < 0) { b[i] = Math.max(b[i] * etaMinus, minStep); gi = 0; }
          // PyTorch clamps also when the factor is 1.
          else b[i] = Math.min(Math.max(b[i], minStep), maxStep);
          p[i] -= Math.sign(gi) * b[i];
          a[i] = gi;
        }
      },
    };
  }
  const [b1, b2] = full.betas;
  return {
    spec: full, reset,
    step(p, g) {
      check(p, g);
      t++;
      const bc1 = 1 - b1 ** t;
      const bc2Sqrt = Math.sqrt(1 - b2 ** t);
      for (let i = 0; i < nParams; i++) {
        a[i] = b1 * a[i] + (1 - b1) * g[i];
        b[i] = b2 * b[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (full.lr / bc1) * (a[i] / (Math.sqrt(b[i]) / bc2Sqrt + full.eps));
      }
    },
  };
}

/** Mean squared error of y ≈ w·x + b and its gradient with respect to (w, b). */
export function linearMse(params: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>): { loss: number; grad: [number, number] } {
  const [w, b] = [params[0], params[1]];
  const n = x.length;
  let loss = 0, gw = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    const r = w * x[i] + b - y[i];
    loss += r * r;
    gw += r * x[i];
    gb += r;
  }
  return { loss: loss / n, grad: [(2 * gw) / n, (2 * gb) / n] };
}

export interface LinearRun {
  /** Loss before each step (what the course's loop prints), one per step. */
  losses: number[];
  w: number;
  b: number;
  /** Set when the loss stopped being a finite number (divergence). */
  diverged?: { step: number };
}

/**
 * Full-batch training of y ≈ w·x + b: PyTorch's loop (zero grads, forward, loss, backward,
 * step) for `steps` steps from params (w, b), updating them in place. Stops at the first
 * non-finite loss (pitfalls #2) instead of carrying NaN along.
 */
export function trainLinear(params: Float64Array, opt: PlainOptimizer, x: ArrayLike<number>, y: ArrayLike<number>, steps: number): LinearRun {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { loss, grad } = linearMse(params, x, y);
    if (!Number.isFinite(loss) || !grad.every(Number.isFinite)) return { losses, w: params[0], b: params[1], diverged: { step: s } };
    losses.push(loss);
    opt.step(params, grad);
  }
  return { losses, w: params[0], b: params[1] };
}

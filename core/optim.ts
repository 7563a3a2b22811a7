/**
 * Optimisers with PyTorch's exact update rules, so that the book's TF.js runs
 * and the course's PyTorch code mean the same thing by "lr", "momentum" and
 * "weight_decay". TF.js's built-ins differ in details that change results
 * (Adagrad's initial accumulator 0.1, Adam's epsilon 1e-7, no weight decay at
 * all). Weight decay is PyTorch's L2 form: λ·θ is added to the gradient of
 * every parameter, biases included, before the optimiser's own rule.
 */
import * as tf from '@tensorflow/tfjs';

export type OptimizerName = 'sgd' | 'adagrad' | 'adam';

export interface OptimizerSpec {
  type: OptimizerName;
  lr: number;
  /** SGD only (PyTorch momentum, dampening 0, no Nesterov). */
  momentum?: number;
  weightDecay?: number;
  /** Adam only; PyTorch defaults [0.9, 0.999]. */
  betas?: [number, number];
  /** Adam default 1e-8, Adagrad default 1e-10 (as PyTorch). */
  eps?: number;
}

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adagrad', 'adam'];

export function checkOptimizerSpec(o: OptimizerSpec, where = 'optimizer'): void {
  if (!OPTIMIZERS.includes(o.type)) throw new Error(`${where}.type must be one of ${OPTIMIZERS.join(', ')} (got ${JSON.stringify(o.type)})`);
  if (!(o.lr > 0)) throw new Error(`${where}.lr must be a positive number (got ${o.lr})`);
  if (o.momentum !== undefined && (o.type !== 'sgd' || !(o.momentum >= 0 && o.momentum < 1))) {
    throw new Error(`${where}.momentum applies to sgd only and must be in [0, 1) (got ${o.momentum} for ${o.type})`);
  }
  if (o.weightDecay !== undefined && !(o.weightDecay >= 0)) throw new Error(`${where}.weightDecay must be >= 0 (got ${o.weightDecay})`);
}

export interface Optimizer {
  /** Applies one update; grads are in the same order as the parameters. */
  step(grads: tf.Tensor[], lr: number): void;
  dispose(): void;
}

export function createOptimizer(spec: OptimizerSpec, params: tf.Variable[]): Optimizer {
  checkOptimizerSpec(spec);
  const wd = spec.weightDecay ?? 0;
  const state: tf.Variable[][] = [];
  let t = 0;
  // tidy frees the zeros tensor; the variable keeps its own reference to the data.
  const zerosLike = (p: tf.Variable) => tf.tidy(() => tf.variable(tf.zerosLike(p), false));
  const withDecay = (g: tf.Tensor, p: tf.Variable) => (wd > 0 ? tf.add(g, tf.mul(p, wd)) : g);

  if (spec.type === 'sgd') {
    const mom = spec.momentum ?? 0;
    if (mom > 0) params.forEach((p, i) => (state[i] = [zerosLike(p)]));
    return {
      step(grads, lr) {
        t++;
        tf.tidy(() => {
          params.forEach((p, i) => {
            let d = withDecay(grads[i], p);
            if (mom > 0) {
              // PyTorch starts the buffer at the first gradient, not at zero.
              const buf = state[i][0];
              d = t === 1 ? d : tf.add(tf.mul(buf, mom), d);
              buf.assign(d);
            }
            p.assign(tf.sub(p, tf.mul(d, lr)));
          });
        });
      },
      dispose: () => state.flat().forEach((v) => v.dispose()),
    };
  }

  if (spec.type === 'adagrad') {
    const eps = spec.eps ?? 1e-10;
    params.forEach((p, i) => (state[i] = [zerosLike(p)]));
    return {
      step(grads, lr) {
        tf.tidy(() => {
          params.forEach((p, i) => {
            const g = withDecay(grads[i], p);
            const sum = state[i][0];
            sum.assign(tf.add(sum, tf.square(g)));
            p.assign(tf.sub(p, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(sum), eps))));
          });
        });
      },
      dispose: () => state.flat().forEach((v) => v.dispose()),
    };
  }

  const [b1, b2] = spec.betas ?? [0.9, 0.999];
  const eps = spec.eps ?? 1e-8;
  params.forEach((p, i) => (state[i] = [zerosLike(p), zerosLike(p)]));
  return {
    step(grads, lr) {
      t++;
      const bc1 = 1 - b1 ** t;
      const bc2Sqrt = Math.sqrt(1 - b2 ** t);
      tf.tidy(() => {
        params.forEach((p, i) => {
          const g = withDecay(grads[i], p);
          const [m, v] = state[i];
          m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
          v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
          const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps);
          p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / bc1)));
        });
      });
    },
    dispose: () => state.flat().forEach((v) => v.dispose()),
  };
}

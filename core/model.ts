/**
 * Model specifications as plain data (they live in content/datasets/*.json and
 * in the manifest) and their translation into TF.js layers models that start
 * exactly like the course's PyTorch models: nn.Linear initialisation, i.e.
 * weights and biases uniform in ±1/√fan_in, drawn from the seeded generator.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from './rng';

export type Activation = 'sigmoid' | 'relu' | 'tanh';

export interface ModelSpec {
  /** Hidden layer widths, e.g. [100, 50]. The output is always one sigmoid unit. */
  hidden: number[];
  activation: Activation;
  /** Dropout rate after each hidden activation (0 or absent: none). */
  dropout?: number;
}

export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'relu', 'tanh'];

export function checkModelSpec(spec: ModelSpec, where = 'model'): void {
  if (!Array.isArray(spec.hidden) || spec.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new Error(`${where}.hidden must be a list of positive integers, e.g. [100, 50]`);
  }
  if (!ACTIVATIONS.includes(spec.activation)) {
    throw new Error(`${where}.activation must be one of ${ACTIVATIONS.join(', ')} (got ${JSON.stringify(spec.activation)})`);
  }
  if (spec.dropout !== undefined && !(spec.dropout >= 0 && spec.dropout < 1)) {
    throw new Error(`${where}.dropout must be in [0, 1) (got ${spec.dropout})`);
  }
}

/** Number of trainable parameters of the network on nInputs features. */
export function parameterCount(spec: ModelSpec, nInputs: number): number {
  let n = 0, prev = nInputs;
  for (const h of [...spec.hidden, 1]) { n += prev * h + h; prev = h; }
  return n;
}

/**
 * Builds the sequential model. Dropout appears as TF.js Dropout layers so the
 * saved model documents it (they are the identity at prediction time); the
 * training loop in core/train applies its own seeded dropout.
 */
export function buildModel(spec: ModelSpec, nInputs: number, seed: number): tf.Sequential {
  checkModelSpec(spec);
  const rng = createRng(seed);
  const model = tf.sequential();
  const widths = [...spec.hidden, 1];
  let fanIn = nInputs;
  widths.forEach((units, i) => {
    const last = i === widths.length - 1;
    const dense = tf.layers.dense({
      units,
      activation: last ? 'sigmoid' : spec.activation,
      inputShape: i === 0 ? [nInputs] : undefined,
      name: `dense_${i}`,
    });
    model.add(dense);
    const bound = 1 / Math.sqrt(fanIn);
    // TF.js kernels are [in, out]; PyTorch weights are [out, in]. The values are
    // drawn in PyTorch's order (row = output unit) so the same seed means the same net.
    const w = new Float32Array(fanIn * units);
    for (let o = 0; o < units; o++) for (let k = 0; k < fanIn; k++) w[k * units + o] = rng.uniform(-bound, bound);
    const b = new Float32Array(units);
    for (let o = 0; o < units; o++) b[o] = rng.uniform(-bound, bound);
    tf.tidy(() => dense.setWeights([tf.tensor2d(w, [fanIn, units]), tf.tensor1d(b)]));
    if (!last && spec.dropout) model.add(tf.layers.dropout({ rate: spec.dropout, name: `dropout_${i}` }));
    fanIn = units;
  });
  return model;
}

/** The dense layers of a model built by buildModel, in order. */
export function denseLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'Dense');
}

/** Scores (sigmoid outputs) for a row-major matrix, predicted in chunks to bound memory. */
export async function predictScores(model: tf.LayersModel, x: Float32Array, nFeatures: number, chunk = 16384): Promise<Float32Array> {
  const n = x.length / nFeatures;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const y = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(start * nFeatures, end * nFeatures), [end - start, nFeatures])) as tf.Tensor);
    out.set(await y.data(), start);
    y.dispose();
  }
  return out;
}

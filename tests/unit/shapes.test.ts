/**
 * The shape rules the chapter-1 widgets use (core/shapes.ts), checked against TF.js itself
 * (cpu backend in Node) for results, shapes and error messages, and against the messages
 * PyTorch 1.13 prints for the same mistakes (recorded from torch 1.13.1 on Debian 12).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  ShapeError, binary, booleanMask, broadcastShapes, concat, fmtShape, fromNested, inferShape, linspace, map,
  meanStd, reduceAlong, reshape, scalar, stack, toNested, type NdArray,
} from '../../core/shapes';
import { createRng } from '../../core/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const A = fromNested([[3, 7, 1], [8, 2, 5]]);
const zeros = (shape: number[]): NdArray => ({ shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0), dtype: 'float32' });
const counting = (shape: number[]): NdArray => ({ shape, data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1), dtype: 'float32' });
const toTf = (a: NdArray) => tf.tensor(a.data, a.shape, a.dtype);

/** Our result and TF.js's must agree: same values and shape, or both throw (with TF.js's message). */
function agree(ours: () => NdArray, theirs: () => tf.Tensor) {
  let expected: { shape: number[]; values: unknown } | { error: string };
  try {
    const t = tf.tidy(theirs);
    expected = { shape: t.shape, values: t.arraySync() };
    t.dispose();
  } catch (e) {
    expected = { error: (e as Error).message };
  }
  if ('error' in expected) {
    let thrown: unknown;
    try { ours(); } catch (e) { thrown = e; }
    expect(thrown, `TF.js threw "${expected.error}", ours did not`).toBeInstanceOf(ShapeError);
    expect((thrown as ShapeError).tfjs).toBe(expected.error);
  } else {
    const r = ours();
    expect(r.shape).toEqual(expected.shape);
    expect(toNested(r)).toEqual(expected.values);
  }
}

function errorOf(f: () => unknown): ShapeError {
  try { f(); } catch (e) { if (e instanceof ShapeError) return e; throw e; }
  throw new Error('expected a ShapeError');
}

describe('broadcasting', () => {
  it('turns (100,1) speeds and 1000 time steps into (100,1000) trajectories', () => {
    expect(broadcastShapes([100, 1], [1000])).toEqual([100, 1000]);
    expect(broadcastShapes([1000], [100, 1])).toEqual([100, 1000]);
    expect(broadcastShapes([], [3, 4])).toEqual([3, 4]);
    expect(broadcastShapes([5, 1, 4], [3, 1])).toEqual([5, 3, 4]);
  });

  it('refuses (1,100) against 1000 with the messages of both libraries', () => {
    const e = errorOf(() => broadcastShapes([1, 100], [1000]));
    expect(e.torch).toBe('RuntimeError: The size of tensor a (100) must match the size of tensor b (1000) at non-singleton dimension 1');
    expect(e.tfjs).toBe('Operands could not be broadcast together with shapes 1,100 and 1000.');
    expect(e.explanation).toContain('100 and 1000');
    expect(errorOf(() => broadcastShapes([3], [4])).torch)
      .toBe('RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0');
  });

  it('when N equals T, (1,N) against (T,) silently gives (1,N), not (N,T)', () => {
    expect(broadcastShapes([1, 100], [100])).toEqual([1, 100]);
  });

  const pairs: [number[], number[]][] = [
    [[2, 1], [3]], [[1, 3], [3]], [[2, 3], [3]], [[2, 3], [2]], [[2, 1, 3], [4, 1]], [[1], [2, 2]], [[3, 1], [1, 3]], [[2, 3], [3, 2]],
  ];
  it.each(pairs)('a + b with shapes %j and %j matches TF.js', (sa, sb) => {
    const a = counting(sa);
    const b = map(counting(sb), (x) => 10 * x);
    agree(() => binary(a, b, (x, y) => x + y), () => tf.add(toTf(a), toTf(b)));
    agree(() => binary(a, b, (x, y) => x * y), () => tf.mul(toTf(a), toTf(b)));
  });

  it('computes the projectile trajectories exactly as TF.js does', () => {
    const rng = createRng(7);
    const N = 6, T = 11, g = 9.81;
    const u0: NdArray = { shape: [N, 1], data: Array.from({ length: N }, () => rng.uniform(0, 50)), dtype: 'float32' };
    const th: NdArray = { shape: [N, 1], data: Array.from({ length: N }, () => rng.uniform(0, Math.PI / 2)), dtype: 'float32' };
    const t = linspace(0, 5, T);
    const vy = binary(u0, map(th, Math.sin), (a, b) => a * b);
    const y = binary(binary(vy, t, (a, b) => a * b), map(t, (x) => (g * x * x) / 2), (a, b) => a - b);
    expect(y.shape).toEqual([N, T]);
    const ty = tf.tidy(() => {
      const tt = tf.linspace(0, 5, T);
      return toTf(u0).mul(toTf(th).sin()).mul(tt).sub(tt.square().mul(g / 2));
    });
    expect(ty.shape).toEqual([N, T]);
    const theirs = ty.dataSync();
    y.data.forEach((v, i) => expect(v).toBeCloseTo(theirs[i], 3));
    ty.dispose();
    // Launch i at time step j: u0 sin(theta) t - g t^2 / 2.
    const i = 3, j = 7, tj = (5 * j) / (T - 1);
    expect(y.data[i * T + j]).toBeCloseTo(u0.data[i] * Math.sin(th.data[i]) * tj - (g * tj * tj) / 2, 9);
  });

  it('scalars broadcast against anything', () => {
    expect(binary(A, scalar(2), (x, y) => x * y).data).toEqual([6, 14, 2, 16, 4, 10]);
  });
});

describe('stack and concatenate', () => {
  const shapesB = [[2, 3], [2, 2], [3, 3], [1, 3], [3]];
  const axes = [-1, 0, 1, 2, 3];
  for (const sb of shapesB) {
    for (const axis of axes) {
      it(`stack([A (2,3), B ${fmtShape(sb)}], ${axis}) agrees with TF.js`, () => {
        const b = map(counting(sb), (x) => -x);
        agree(() => stack([A, b], axis), () => tf.stack([toTf(A), toTf(b)], axis));
      });
      it(`concat([A (2,3), B ${fmtShape(sb)}], ${axis}) agrees with TF.js`, () => {
        const b = map(counting(sb), (x) => -x);
        agree(() => concat([A, b], axis), () => tf.concat([toTf(A), toTf(b)], axis));
      });
    }
  }

  it('stack makes a new axis, concatenate lengthens an existing one', () => {
    const B = map(A, (x) => x * 10);
    expect(stack([A, B], 0).shape).toEqual([2, 2, 3]);
    expect(stack([A, B], 1).shape).toEqual([2, 2, 3]);
    expect(stack([A, B], 2).shape).toEqual([2, 3, 2]);
    expect(concat([A, B], 0).shape).toEqual([4, 3]);
    expect(concat([A, B], 1).shape).toEqual([2, 6]);
    expect(toNested(concat([A, B], 1))).toEqual([[3, 7, 1, 30, 70, 10], [8, 2, 5, 80, 20, 50]]);
    expect(toNested(stack([A, B], 2))).toEqual([[[3, 30], [7, 70], [1, 10]], [[8, 80], [2, 20], [5, 50]]]);
  });

  it('gives PyTorch\'s messages', () => {
    const B22 = zeros([2, 2]);
    expect(errorOf(() => stack([A, B22], 0)).torch)
      .toBe('RuntimeError: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 2] at entry 1');
    expect(errorOf(() => stack([A, A], 3)).torch)
      .toBe('IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)');
    // PyTorch checks the axis before the shapes.
    expect(errorOf(() => stack([A, B22], 3)).torch)
      .toBe('IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)');
    expect(errorOf(() => stack([A, zeros([3])], 0)).torch)
      .toBe('RuntimeError: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3] at entry 1');
    expect(errorOf(() => concat([A, B22], 0)).torch)
      .toBe('RuntimeError: Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor number 1 in the list.');
    expect(errorOf(() => concat([A, zeros([3, 3])], 1)).torch)
      .toBe('RuntimeError: Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.');
    expect(errorOf(() => concat([A, B22], 2)).torch)
      .toBe('IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expect(errorOf(() => concat([A, zeros([3])], 0)).torch)
      .toBe('RuntimeError: Tensors must have same number of dimensions: got 2 and 1');
    expect(errorOf(() => concat([A, zeros([3])], 2)).torch)
      .toBe('IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expect(concat([A, A], -1).shape).toEqual([2, 6]);
  });
});

describe('reshape with -1', () => {
  const targets = [[-1], [-1, 1], [1, -1], [3, -1], [-1, 2], [-1, 4], [-1, -1], [4, 2], [6, 1], [-1, 3, 1], [2, -1, 3], [5, -1]];
  it.each(targets)('A (2,3) reshaped to %j agrees with TF.js', (...to) => {
    agree(() => reshape(A, to), () => tf.reshape(toTf(A), to));
  });

  it('turns 100 numbers into a (100,1) column with reshape(-1, 1)', () => {
    expect(inferShape([100], [-1, 1])).toEqual([100, 1]);
    expect(inferShape([1, 100], [-1, 1])).toEqual([100, 1]);
  });

  it('gives PyTorch\'s messages', () => {
    expect(errorOf(() => inferShape([2, 3], [-1, 4])).torch).toBe("RuntimeError: shape '[-1, 4]' is invalid for input of size 6");
    expect(errorOf(() => inferShape([2, 3], [4, 2])).torch).toBe("RuntimeError: shape '[4, 2]' is invalid for input of size 6");
    expect(errorOf(() => inferShape([2, 3], [-1, -1])).torch).toBe('RuntimeError: only one dimension can be inferred');
  });
});

describe('boolean masks', () => {
  it('an element-wise mask on a 2-D tensor gives a 1-D result, like TF.js', async () => {
    const mask = { ...binary(A, scalar(4), (x, y) => Number(x > y)), dtype: 'bool' as const };
    const r = booleanMask(A, mask);
    expect(r.shape).toEqual([3]);
    expect(r.data).toEqual([7, 8, 5]);
    const t = await tf.booleanMaskAsync(toTf(A), tf.greater(toTf(A), 4));
    expect(t.shape).toEqual(r.shape);
    expect(Array.from(t.dataSync())).toEqual(r.data);
  });

  it('a mask over rows keeps whole rows and stays 2-D, like TF.js', async () => {
    const rows: NdArray = { shape: [2], data: [0, 1], dtype: 'bool' };
    const r = booleanMask(A, rows);
    expect(r.shape).toEqual([1, 3]);
    expect(toNested(r)).toEqual([[8, 2, 5]]);
    const t = await tf.booleanMaskAsync(toTf(A), tf.tensor1d([false, true], 'bool'));
    expect(t.shape).toEqual([1, 3]);
    expect(t.arraySync()).toEqual([[8, 2, 5]]);
  });

  it('refuses a mask of the wrong shape with the messages of both libraries', async () => {
    const x = fromNested([[1, 2], [3, 4]]);
    const m: NdArray = { shape: [3], data: [1, 0, 1], dtype: 'bool' };
    const e = errorOf(() => booleanMask(x, m));
    expect(e.torch).toBe('IndexError: The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 2] at index 0');
    const message = await tf.booleanMaskAsync(toTf(x), tf.tensor1d([true, false, true], 'bool')).then(() => '', (err: Error) => err.message);
    expect(e.tfjs).toBe(message);
  });

  it('keeps nothing when nothing passes', () => {
    const none = booleanMask(A, { shape: [2, 3], data: [0, 0, 0, 0, 0, 0], dtype: 'bool' });
    expect(none.shape).toEqual([0]);
  });
});

describe('min and max along an axis', () => {
  const B = fromNested([[[4, 1], [4, 9]], [[0, 6], [2, 2]]]);
  for (const x of [A, B]) {
    for (const axis of [-1, 0, 1, 2, 3]) {
      for (const kind of ['min', 'max'] as const) {
        it(`${kind} of a ${fmtShape(x.shape)} tensor along axis ${axis} agrees with TF.js (values and indices)`, () => {
          agree(() => reduceAlong(x, axis, kind).values, () => tf[kind](toTf(x), axis));
          agree(() => reduceAlong(x, axis, kind).indices, () => (kind === 'min' ? tf.argMin : tf.argMax)(toTf(x), axis));
        });
      }
    }
  }

  it('returns values and indices like torch.min(x, dim=1)', () => {
    const r = reduceAlong(A, 1, 'min');
    expect(r.values.data).toEqual([1, 2]);
    expect(r.indices.data).toEqual([2, 1]);
    expect(r.indices.dtype).toBe('int32');
    expect(errorOf(() => reduceAlong(A, 2, 'max')).torch)
      .toBe('IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });
});

describe('z-score', () => {
  it('seeded normal samples have mean near 0, not exactly 0', () => {
    const rng = createRng(1);
    const x: NdArray = { shape: [1000], data: Array.from({ length: 1000 }, () => 3 + 2 * rng.normal()), dtype: 'float32' };
    const { mean, std } = meanStd(x);
    expect(Math.abs(mean - 3)).toBeLessThan(0.2);
    expect(mean).not.toBe(3);
    const z = map(x, (v) => (v - mean) / std);
    const zs = meanStd(z);
    expect(Math.abs(zs.mean)).toBeLessThan(1e-12);
    expect(zs.std).toBeCloseTo(1, 12);
  });
});

describe('building from nested lists', () => {
  it('reads the shape from the nesting and refuses ragged lists', () => {
    expect(fromNested([[1, 2, 3], [4, 5, 6]]).shape).toEqual([2, 3]);
    expect(fromNested(5).shape).toEqual([]);
    expect(() => fromNested([[1, 2], [3]])).toThrow(/ragged/);
  });
  it('writes shapes the way Python does', () => {
    expect(fmtShape([100, 1])).toBe('(100, 1)');
    expect(fmtShape([1000])).toBe('(1000,)');
  });
});

/**
 * Small n-dimensional arrays and the shape rules of chapter 1 (Tensors), in plain TypeScript:
 * broadcasting, stack, concatenate, reshape with -1, boolean masks and min/max along an axis.
 *
 * The widgets use this instead of TF.js so that they answer instantly and need no download,
 * and every invalid choice produces the error the reader would meet in PyTorch and in TF.js
 * (messages written as those libraries write them, checked against TF.js 4.22 and
 * PyTorch 1.13 in tests/unit/shapes.test.ts), plus a plain-words explanation.
 *
 * Arrays are row-major (C order), like both libraries.
 */
export type Shape = readonly number[];
export type DType = 'float32' | 'int32' | 'bool';

export interface NdArray {
  shape: number[];
  /** Flat values in row-major order; booleans are stored as 0 and 1. */
  data: number[];
  dtype: DType;
}

/** A shape error with the message each library would give and what it means. */
export class ShapeError extends Error {
  constructor(
    /** PyTorch's message, with its exception class: "RuntimeError: ...". */
    readonly torch: string,
    /** TF.js's message (TF.js throws a plain Error). */
    readonly tfjs: string,
    /** What went wrong, in words. */
    readonly explanation: string,
  ) {
    super(explanation);
    this.name = 'ShapeError';
  }
}

export const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** "(100, 1000)" as the book writes shapes; "()" for a scalar; "(3,)" for one axis, as Python does. */
export function fmtShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
/** "torch.Size([100, 1000])", what `x.shape` prints in PyTorch. */
export const torchSize = (shape: Shape): string => `torch.Size([${shape.join(', ')}])`;
/** "[100,1000]", what `x.shape` prints in TF.js (a plain array). */
export const tfjsShape = (shape: Shape): string => `[${shape.join(',')}]`;

/** Build an array from nested lists, like torch.tensor / tf.tensor (ragged lists are refused). */
export function fromNested(values: unknown, dtype: DType = 'float32'): NdArray {
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0]; }
  const data: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new Error('Nested lists have different depths.');
      data.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new Error(`Nested lists are ragged: expected ${shape[depth]} items at depth ${depth}.`);
    }
    v.forEach((x) => walk(x, depth + 1));
  };
  walk(values, 0);
  return { shape, data, dtype };
}

/** Nested lists from an array (for printing and for comparing with TF.js's arraySync()). */
export function toNested(a: NdArray): unknown {
  if (a.shape.length === 0) return a.data[0];
  const build = (dim: number, offset: number): unknown[] => {
    const n = a.shape[dim];
    const stride = size(a.shape.slice(dim + 1));
    return Array.from({ length: n }, (_, i) =>
      dim === a.shape.length - 1 ? a.data[offset + i] : build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

const strides = (shape: Shape): number[] => shape.map((_, i) => size(shape.slice(i + 1)));

/** PyTorch's "Dimension out of range" check; returns the axis made non-negative. */
function wrapAxis(axis: number, rank: number, tfjsMessage: string, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(
      `IndexError: Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${axis})`,
      tfjsMessage,
      `${what} has ${rank} ${rank === 1 ? 'axis' : 'axes'}, numbered 0 to ${rank - 1} (or -${rank} to -1 counting from the end), so axis ${axis} does not exist.`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** TF.js's axis message (util.parseAxisParam). */
const tfAxisMessage = (axis: number, rank: number) =>
  `All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axis}`;

// ---------------------------------------------------------------- broadcasting

/**
 * The shape two operands broadcast to: align the shapes on the right; along each axis the
 * sizes must be equal or one of them 1 (a missing axis counts as 1).
 */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  // PyTorch walks from the last axis to the first and reports the first mismatch it finds.
  for (let i = rank - 1; i >= 0; i--) {
    const da = a[i - (rank - a.length)] ?? 1;
    const db = b[i - (rank - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `RuntimeError: The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
        `Operands could not be broadcast together with shapes ${a.join(',')} and ${b.join(',')}.`,
        `Aligned on the right, ${fmtShape(a)} and ${fmtShape(b)} meet at axis ${i} with sizes ${da} and ${db}. ` +
          `Broadcasting only stretches an axis of size 1 (or a missing one); ${da} and ${db} are different and neither is 1.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Element-wise operation with broadcasting, like a + b or a * b in either library. */
export function binary(a: NdArray, b: NdArray, f: (x: number, y: number) => number): NdArray {
  const shape = broadcastShapes(a.shape, b.shape);
  const rank = shape.length;
  const n = size(shape);
  // Strides of each operand in the result's coordinates (0 along stretched axes).
  const stridesIn = (s: Shape) => {
    const st = strides(s);
    return shape.map((_, i) => {
      const j = i - (rank - s.length);
      return j < 0 || s[j] === 1 ? 0 : st[j];
    });
  };
  const sa = stridesIn(a.shape);
  const sb = stridesIn(b.shape);
  const data = new Array<number>(n);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let k = 0; k < n; k++) {
    data[k] = f(a.data[ia], b.data[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
  return { shape, data, dtype: a.dtype === 'int32' && b.dtype === 'int32' ? 'int32' : 'float32' };
}

/** Element-wise function of one array (sin, cos, square ...). */
export function map(a: NdArray, f: (x: number) => number): NdArray {
  return { shape: [...a.shape], data: a.data.map(f), dtype: 'float32' };
}

/** A scalar as a 0-d array, for arithmetic with arrays. */
export const scalar = (x: number): NdArray => ({ shape: [], data: [x], dtype: 'float32' });

/** n evenly spaced values from start to stop inclusive, like torch.linspace / tf.linspace. */
export function linspace(start: number, stop: number, n: number): NdArray {
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  return { shape: [n], data: Array.from({ length: n }, (_, i) => start + i * step), dtype: 'float32' };
}

// ---------------------------------------------------------------- joining

/** Join arrays along an existing axis (torch.cat / tf.concat): that axis grows, the others must agree. */
export function concat(arrays: NdArray[], axis: number): NdArray {
  const first = arrays[0].shape;
  const rank = first.length;
  // Both libraries check the axis before the shapes.
  const ax = wrapAxis(axis, rank, tfAxisMessage(axis, rank), `A tensor of shape ${fmtShape(first)}`);
  for (let i = 1; i < arrays.length; i++) {
    if (arrays[i].shape.length !== rank) {
      throw new ShapeError(
        `RuntimeError: Tensors must have same number of dimensions: got ${rank} and ${arrays[i].shape.length}`,
        `Error in concat${rank}D: rank of tensors[${i}] must be the same as the rank of the rest (${rank})`,
        `Concatenation glues tensors along an axis they already have, so they need the same number of axes: ` +
          `${fmtShape(first)} has ${rank}, ${fmtShape(arrays[i].shape)} has ${arrays[i].shape.length}.`,
      );
    }
  }
  for (let i = 1; i < arrays.length; i++) {
    const s = arrays[i].shape;
    for (let r = 0; r < rank; r++) {
      if (r !== ax && s[r] !== first[r]) {
        throw new ShapeError(
          `RuntimeError: Sizes of tensors must match except in dimension ${ax}. Expected size ${first[r]} but got size ${s[r]} for tensor number ${i} in the list.`,
          // TF.js 4.22 names the tensor's index where it means the axis; we quote it as it is.
          `Error in concat${rank}D: Shape of tensors[${i}] (${s.join(',')}) does not match the shape of the rest (${first.join(',')}) along the non-concatenated axis ${i}.`,
          `Concatenating along axis ${ax} makes that axis longer; every other axis must already match. ` +
            `Axis ${r} has size ${first[r]} in ${fmtShape(first)} but ${s[r]} in ${fmtShape(s)}.`,
        );
      }
    }
  }
  const shape = [...first];
  shape[ax] = arrays.reduce((n, a) => n + a.shape[ax], 0);
  // Each array contributes blocks of (its size along ax) x (inner size) for every outer index.
  const outer = size(first.slice(0, ax));
  const inner = size(first.slice(ax + 1));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const a of arrays) {
      const block = a.shape[ax] * inner;
      for (let k = 0; k < block; k++) data.push(a.data[o * block + k]);
    }
  }
  return { shape, data, dtype: arrays[0].dtype };
}

/** Put equal-shaped arrays side by side along a NEW axis (torch.stack / tf.stack). */
export function stack(arrays: NdArray[], axis: number): NdArray {
  const first = arrays[0].shape;
  const rank = first.length;
  // PyTorch checks the axis first: a stack has rank + 1 axes.
  const ax = wrapAxis(axis, rank + 1, axis > rank ? 'Axis must be <= rank of the tensor' : tfAxisMessage(axis, rank + 1),
    `The stacked result of ${arrays.length} tensors of shape ${fmtShape(first)}`);
  for (let i = 1; i < arrays.length; i++) {
    const s = arrays[i].shape;
    if (s.length !== rank || s.some((d, r) => d !== first[r])) {
      throw new ShapeError(
        `RuntimeError: stack expects each tensor to be equal size, but got [${first.join(', ')}] at entry 0 and [${s.join(', ')}] at entry ${i}`,
        `All tensors passed to stack must have matching shapes Shapes ${first.join(',')} and ${s.join(',')} must match`,
        `Stacking adds a new axis and lays the tensors along it like pages of a book, so every page must have the same shape: ` +
          `${fmtShape(first)} and ${fmtShape(s)} differ. (Concatenation is less strict: only the axes you do not join along must agree.)`,
      );
    }
  }
  const expanded = arrays.map((a) => ({ ...a, shape: [...first.slice(0, ax), 1, ...first.slice(ax)] }));
  return concat(expanded, ax);
}

// ---------------------------------------------------------------- reshape

/** The shape a reshape produces, with at most one -1 worked out from the number of elements. */
export function inferShape(from: Shape, to: Shape): number[] {
  const n = size(from);
  const torchBad = `RuntimeError: shape '[${to.join(', ')}]' is invalid for input of size ${n}`;
  const free = to.map((d, i) => (d === -1 ? i : -1)).filter((i) => i >= 0);
  if (free.length > 1) {
    throw new ShapeError(
      'RuntimeError: only one dimension can be inferred',
      `Shapes can only have 1 implicit size. Found -1 at dim ${free[0]} and dim ${free[1]}`,
      `-1 means "work this size out from the others". With two of them there is no single answer: ` +
        `${n} elements could be arranged in more than one way.`,
    );
  }
  const known = size(to.filter((d) => d !== -1));
  if (free.length === 0) {
    if (known !== n) {
      throw new ShapeError(torchBad, `Size(${n}) must match the product of shape ${to.join(',')}`,
        `Reshaping never adds or drops elements: ${fmtShape(from)} holds ${n}, but ${fmtShape(to)} would hold ${known}.`);
    }
    return [...to];
  }
  if (known === 0 || n % known !== 0) {
    throw new ShapeError(torchBad, `The implicit shape can't be a fractional number. Got ${n} / ${known}`,
      `The -1 axis would need ${n} / ${known} = ${(n / known).toFixed(2).replace(/\.?0+$/, '')} entries; ` +
        `a size must be a whole number, so ${n} elements cannot be cut into pieces of ${known}.`);
  }
  return to.map((d) => (d === -1 ? n / known : d));
}

/** Same elements in the same (row-major) order, new shape. */
export function reshape(a: NdArray, to: Shape): NdArray {
  return { shape: inferShape(a.shape, to), data: [...a.data], dtype: a.dtype };
}

// ---------------------------------------------------------------- boolean masks

/**
 * x[mask] in PyTorch, tf.booleanMaskAsync(x, mask) in TF.js. The mask covers the first K axes of x;
 * the selected entries along those axes are laid out in one new axis, so an element-wise mask on a
 * 2-D tensor gives a 1-D result (each row may keep a different number of entries), while a mask over
 * rows keeps whole rows and stays 2-D.
 */
export function booleanMask(a: NdArray, mask: NdArray): NdArray {
  const k = mask.shape.length;
  const bad = mask.shape.findIndex((d, i) => d !== a.shape[i]);
  if (k > a.shape.length || bad >= 0) {
    const i = bad >= 0 ? bad : a.shape.length;
    throw new ShapeError(
      `IndexError: The shape of the mask [${mask.shape.join(', ')}] at index ${i} does not match the shape of the indexed tensor [${a.shape.join(', ')}] at index ${i}`,
      `mask's shape must match the first K dimensions of tensor's shape, Shapes ${a.shape.slice(0, k).join(',')} and ${mask.shape.join(',')} must match`,
      `A mask answers "keep or drop?" for each entry along the axes it covers, so its shape must equal the first ${k} ` +
        `axes of the tensor: ${fmtShape(mask.shape)} against ${fmtShape(a.shape)}.`,
    );
  }
  const inner = size(a.shape.slice(k));
  const data: number[] = [];
  let kept = 0;
  mask.data.forEach((m, i) => {
    if (!m) return;
    kept++;
    for (let j = 0; j < inner; j++) data.push(a.data[i * inner + j]);
  });
  return { shape: [kept, ...a.shape.slice(k)], data, dtype: a.dtype };
}

// ---------------------------------------------------------------- reductions

export interface Reduced { values: NdArray; indices: NdArray }

/**
 * torch.min(x, dim) / torch.max(x, dim): the smallest (largest) entry along `axis` and where it is.
 * TF.js splits this into tf.min(x, axis) and tf.argMin(x, axis). Ties give the first index.
 */
export function reduceAlong(a: NdArray, axis: number, kind: 'min' | 'max'): Reduced {
  const rank = a.shape.length;
  const ax = wrapAxis(axis, rank, tfAxisMessage(axis, rank), `A tensor of shape ${fmtShape(a.shape)}`);
  const n = a.shape[ax];
  const outer = size(a.shape.slice(0, ax));
  const inner = size(a.shape.slice(ax + 1));
  const shape = a.shape.filter((_, i) => i !== ax);
  const values: number[] = [];
  const indices: number[] = [];
  const better = kind === 'min' ? (x: number, y: number) => x < y : (x: number, y: number) => x > y;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let best = a.data[o * n * inner + j];
      let at = 0;
      for (let i = 1; i < n; i++) {
        const x = a.data[(o * n + i) * inner + j];
        if (better(x, best)) { best = x; at = i; }
      }
      values.push(best);
      indices.push(at);
    }
  }
  return { values: { shape, data: values, dtype: a.dtype }, indices: { shape: [...shape], data: indices, dtype: 'int32' } };
}

/** Mean and (population, like tf.moments) standard deviation of all entries. */
export function meanStd(a: NdArray): { mean: number; std: number } {
  const n = a.data.length;
  const mean = a.data.reduce((s, x) => s + x, 0) / n;
  const variance = a.data.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  return { mean, std: Math.sqrt(variance) };
}

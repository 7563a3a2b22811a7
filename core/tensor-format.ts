/**
 * Print tensors the way PyTorch does, so the TF.js output in the page reads like the
 * course's notebooks: `tensor([[1., 2.],\n        [3., 4.]])`. Isomorphic: used by the
 * code-cell worker and by the unit tests.
 */
export type DType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

const EDGE_ITEMS = 3;
const SUMMARISE_ABOVE = 1000;

/** Format one tensor's flat values with its shape, like `print(torch_tensor)`. */
export function formatTensor(values: ArrayLike<number | string | boolean>, shape: readonly number[], dtype: DType): string {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarise = size > SUMMARISE_ABOVE;
  const fmt = elementFormatter(values, dtype);
  if (shape.length === 0) return `tensor(${fmt(values[0])}${dtypeSuffix(dtype)})`;
  if (size === 0) return `tensor([], size=(${shape.join(', ')})${dtypeSuffix(dtype)})`;

  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const indent = 'tensor('.length;
  const render = (dim: number, offset: number, depth: number): string => {
    const n = shape[dim];
    const idx = summarise && n > 2 * EDGE_ITEMS
      ? [...range(0, EDGE_ITEMS), -1, ...range(n - EDGE_ITEMS, n)]
      : range(0, n);
    if (dim === shape.length - 1) {
      return `[${idx.map((i) => (i < 0 ? '...' : fmt(values[offset + i]))).join(', ')}]`;
    }
    const pad = ' '.repeat(indent + depth + 1);
    const sep = `,${'\n'.repeat(shape.length - dim - 1)}${pad}`;
    return `[${idx.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * strides[dim], depth + 1))).join(sep)}]`;
  };
  return `tensor(${render(0, 0, 0)}${dtypeSuffix(dtype)})`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}

function dtypeSuffix(dtype: DType): string {
  // PyTorch names the dtype only when it is not the default for its kind.
  return dtype === 'int32' ? ', dtype=torch.int32' : '';
}

/** Choose one format for every element, as PyTorch does (common width, integer or scientific). */
function elementFormatter(values: ArrayLike<number | string | boolean>, dtype: DType): (v: number | string | boolean) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'string') return (v) => `'${String(v)}'`;
  if (dtype === 'int32') {
    const width = maxWidth(values, (v) => String(v));
    return (v) => String(v).padStart(width);
  }
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = Number(values[i]);
    if (Number.isFinite(x)) finite.push(Math.abs(x));
  }
  const nonzero = finite.filter((x) => x > 0);
  const allIntegers = finite.every((x) => Number.isInteger(x));
  const maxAbs = nonzero.length ? Math.max(...nonzero) : 0;
  const minAbs = nonzero.length ? Math.min(...nonzero) : 0;
  let one: (x: number) => string;
  if (allIntegers && maxAbs < 1e8) {
    one = (x) => `${x.toFixed(0)}.`;
  } else if (nonzero.length && (maxAbs / minAbs > 1000 || maxAbs >= 1e8 || minAbs < 1e-4)) {
    one = (x) => x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  } else {
    one = (x) => x.toFixed(4);
  }
  const special = (x: number) => (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
  const text = (v: number | string | boolean) => {
    const x = Number(v);
    return Number.isFinite(x) ? one(x === 0 ? 0 : x) : special(x);
  };
  const width = maxWidth(values, text);
  return (v) => text(v).padStart(width);
}

function maxWidth(values: ArrayLike<number | string | boolean>, f: (v: number | string | boolean) => string): number {
  let w = 0;
  for (let i = 0; i < values.length; i++) w = Math.max(w, f(values[i]).length);
  return w;
}

/** A one-line description: "shape [2, 3], dtype float32". */
export function describeTensor(shape: readonly number[], dtype: string): string {
  return `shape [${shape.join(', ')}], dtype ${dtype}`;
}

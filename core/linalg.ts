/**
 * Small dense linear algebra in float64 for the book's closed-form fits: least squares by
 * Householder QR (never the normal equations XᵀX, whose condition number is the square of
 * X's: a degree-12 polynomial would lose every digit) and symmetric positive-definite solves
 * by Cholesky for Newton steps. Matrices are arrays of rows.
 */
export type Matrix = number[][];

/**
 * Least-squares solution of A·β ≈ y by Householder QR. Columns are scaled to unit norm first
 * (then the scale is undone), so columns of very different size (1 and x⁴) do not matter.
 * Throws when A is rank deficient (a column is a combination of the others).
 */
export function lstsq(A: Matrix, y: ArrayLike<number>): number[] {
  const m = A.length;
  const n = m ? A[0].length : 0;
  if (m < n) throw new Error(`lstsq: ${m} rows cannot determine ${n} parameters`);
  if (y.length !== m) throw new Error(`lstsq: ${m} rows but ${y.length} targets`);
  // Column-major copy, scaled to unit column norms.
  const norms = new Array<number>(n).fill(0);
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(m);
    let s = 0;
    for (let i = 0; i < m; i++) { c[i] = A[i][j]; s += c[i] * c[i]; }
    norms[j] = Math.sqrt(s) || 1;
    for (let i = 0; i < m; i++) c[i] /= norms[j];
    cols.push(c);
  }
  const b = Float64Array.from(y as ArrayLike<number>);
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = cols[k];
    let s = 0;
    for (let i = k; i < m; i++) s += a[i] * a[i];
    let alpha = Math.sqrt(s);
    if (alpha < 1e-13) throw new Error(`lstsq: column ${k} is (nearly) a combination of the others`);
    if (a[k] > 0) alpha = -alpha;
    // v = a[k:] - alpha e1, stored in a[k:]
    a[k] -= alpha;
    const vtv = s - 2 * alpha * (a[k] + alpha) + alpha * alpha; // |a - alpha e1|^2
    rDiag[k] = alpha;
    const apply = (c: Float64Array) => {
      let d = 0;
      for (let i = k; i < m; i++) d += a[i] * c[i];
      const f = (2 * d) / vtv;
      for (let i = k; i < m; i++) c[i] -= f * a[i];
    };
    for (let j = k + 1; j < n; j++) apply(cols[j]);
    apply(b);
  }
  // Back substitution R β = Qᵀ b (R's strict upper part is in cols[j][k], k < j).
  const beta = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < n; j++) s -= cols[j][k] * beta[j];
    beta[k] = s / rDiag[k];
  }
  return beta.map((v, j) => v / norms[j]);
}

/** Solves H x = g for symmetric positive-definite H (Cholesky). Throws if H is not positive definite. */
export function solveSpd(H: Matrix, g: ArrayLike<number>): number[] {
  const n = H.length;
  const L: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error('solveSpd: matrix is not positive definite');
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

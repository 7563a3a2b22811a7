/**
 * Four-vectors (E, px, py, pz) in GeV, Lorentz boosts, two-body decays and the
 * samplers the event generator needs (Breit-Wigner, Gamma, lognormal). Plain
 * objects and functions: millions of them are made per second.
 */
import type { Rng } from '../../core/rng';

export interface P4 {
  e: number;
  x: number;
  y: number;
  z: number;
}

export const add = (a: P4, b: P4): P4 => ({ e: a.e + b.e, x: a.x + b.x, y: a.y + b.y, z: a.z + b.z });
/** Minkowski product a·b = EaEb − pa·pb. */
export const dot = (a: P4, b: P4): number => a.e * b.e - a.x * b.x - a.y * b.y - a.z * b.z;
export const pt = (a: P4): number => Math.hypot(a.x, a.y);
export const phi = (a: P4): number => Math.atan2(a.y, a.x);
/** Pseudorapidity (a particle along the beam gets ±1e9, outside every acceptance). */
export function eta(a: P4): number {
  const t = pt(a);
  if (t === 0) return a.z >= 0 ? 1e9 : -1e9;
  return Math.asinh(a.z / t);
}

/** A particle of mass m with transverse momentum (px, py) and rapidity y. */
export function fromPxPyYM(px: number, py: number, rap: number, m: number): P4 {
  const mT = Math.sqrt(m * m + px * px + py * py);
  return { e: mT * Math.cosh(rap), x: px, y: py, z: mT * Math.sinh(rap) };
}

/** Boosts `a` from the rest frame of `parent` into the frame where `parent` has its momentum. */
export function boostTo(a: P4, parent: P4): P4 {
  const bx = parent.x / parent.e, by = parent.y / parent.e, bz = parent.z / parent.e;
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 <= 0) return { ...a };
  const g = 1 / Math.sqrt(1 - b2);
  const bp = bx * a.x + by * a.y + bz * a.z;
  const g2 = (g - 1) / b2;
  const k = g2 * bp + g * a.e;
  return { e: g * (a.e + bp), x: a.x + k * bx, y: a.y + k * by, z: a.z + k * bz };
}

/** Momentum of each daughter in the rest frame of a particle of mass M decaying to m1, m2. */
export function twoBodyMomentum(M: number, m1: number, m2: number): number {
  const s = M * M;
  const a = s - (m1 + m2) * (m1 + m2);
  const b = s - (m1 - m2) * (m1 - m2);
  return a <= 0 ? 0 : Math.sqrt(a * b) / (2 * M);
}

/** Unit vector with polar angle θ (cosθ given) and azimuth φ around the unit axis (nx, ny, nz). */
export function directionAround(nx: number, ny: number, nz: number, cosT: number, ph: number): [number, number, number] {
  // Orthonormal u, v perpendicular to n.
  let ux: number, uy: number, uz: number;
  if (Math.abs(nz) < 0.9) { ux = -ny; uy = nx; uz = 0; } else { ux = 0; uy = -nz; uz = ny; }
  const ul = Math.hypot(ux, uy, uz);
  ux /= ul; uy /= ul; uz /= ul;
  const vx = ny * uz - nz * uy, vy = nz * ux - nx * uz, vz = nx * uy - ny * ux;
  const sinT = Math.sqrt(Math.max(0, 1 - cosT * cosT));
  const c = Math.cos(ph) * sinT, s = Math.sin(ph) * sinT;
  return [cosT * nx + c * ux + s * vx, cosT * ny + c * uy + s * vy, cosT * nz + c * uz + s * vz];
}

/**
 * Two-body decay M → (m1, m2) in the parent's rest frame, daughter 1 along the
 * unit direction (dx, dy, dz).
 */
export function decayAt(M: number, m1: number, m2: number, dx: number, dy: number, dz: number): [P4, P4] {
  const p = twoBodyMomentum(M, m1, m2);
  const d1 = { e: Math.sqrt(p * p + m1 * m1), x: p * dx, y: p * dy, z: p * dz };
  const d2 = { e: Math.sqrt(p * p + m2 * m2), x: -p * dx, y: -p * dy, z: -p * dz };
  return [d1, d2];
}

/** Isotropic unit vector. */
export function isotropic(rng: Rng): [number, number, number] {
  const c = 2 * rng.next() - 1;
  const s = Math.sqrt(1 - c * c);
  const f = 2 * Math.PI * rng.next();
  return [s * Math.cos(f), s * Math.sin(f), c];
}

/**
 * Relativistic Breit-Wigner mass, dP/dm² ∝ 1/((m² − M²)² + M²Γ²), truncated
 * to [lo, hi], by inverting its CDF (an arctangent).
 */
export function breitWigner(rng: Rng, M: number, G: number, lo: number, hi: number): number {
  const MG = M * G;
  const a = Math.atan((lo * lo - M * M) / MG);
  const b = Math.atan((hi * hi - M * M) / MG);
  const m2 = M * M + MG * Math.tan(a + (b - a) * rng.next());
  return Math.sqrt(Math.max(m2, lo * lo));
}

/** Gamma(shape k ≥ 1, scale θ), Marsaglia-Tsang. */
export function gamma(rng: Rng, k: number, theta: number): number {
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * theta;
  }
}

/** Lognormal with the given median and σ of ln. */
export const lognormal = (rng: Rng, median: number, sigmaLn: number): number => median * Math.exp(sigmaLn * rng.normal());

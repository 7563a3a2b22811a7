/**
 * Parton-level physics of the built-in sample (shared/docs/physics-generator.md):
 *
 *  signal      gg → H → W+ W*− → ℓ+ν ℓ−ν̄ with the leading-order V−A spin
 *              correlation, both W masses from Breit-Wigners with m1 + m2 < mH
 *  background  tt̄ → bW+ b̄W− → bℓ+ν b̄ℓ−ν̄ with NNLO W helicity fractions
 *  both        initial-state radiation jets recoiling against the hard system,
 *              W → τν → ℓννν for about 15% of the leptons
 *
 * Everything is sampled from the Rng it is given, so a seed fixes every event.
 */
import type { Rng } from '../../core/rng';
import {
  type P4, add, boostTo, breitWigner, decayAt, directionAround, dot, fromPxPyYM, gamma, isotropic, twoBodyMomentum,
} from './kinematics';

/*
 * CALIBRATION (generator version 2). The course's [100, 50] network on all 26
 * features reaches ≈0.83 accuracy on its file, and the five high-level features
 * ≈0.84; physics-generator.md asks for 0.80-0.86 on all 26. With the doc's first
 * estimates a well-trained network reached 0.90-0.91 here: radiation jets
 * falling steeply from 20 GeV made the signal's second jet much softer than a
 * b-jet, and the harder m_tt spectrum made tt̄ jets harder still, so the jets
 * told the classes apart beyond what the course saw. Only quantities the doc
 * marks as estimates were changed (radiation spectrum and η spread, the m_tt
 * shape, and the b-jet response in detector.ts); the selection and the targets
 * were not. Measured on 378,000 events (split 80/10/10, seed 42), see
 * docs/generator-calibration.md for the method and every figure.
 */
export const PHYS = {
  mH: 125,
  mW: 80.38, wW: 2.085,
  mT: 172.5, wT: 1.42,
  mB: 4.8,
  mTau: 1.77686,
  mE: 0.000511, mMu: 0.105658,
  /** Lowest W* mass sampled (far below where the spectrum matters). */
  mWmin: 1,
  /** Fraction of W → ℓν decays that go through τ → ℓνν. */
  tauFraction: 0.15,
  /** W helicity fractions in top decay (NNLO, Czarnecki-Körner-Piclum 2010). */
  F0: 0.687, FL: 0.311, FR: 0.0017,
  /** Gaussian intrinsic kT of the hard system per transverse component, GeV. */
  kTSigma: 9,
  higgsRapiditySigma: 1.9,
  ttRapiditySigma: 0.95,
  /**
   * m_tt = 2 mt + Gamma(shape, scale). physics-generator.md estimates shape 1.4,
   * scale 115 GeV; calibrated to 1.3 and 80 GeV (mean m_tt ≈ 450 GeV), see CALIBRATION below.
   */
  mttShape: 1.3, mttScale: 80,
  /** Top polar angle in the tt̄ frame ∝ 1 + κ cos²θ. */
  ttKappa: 2,
  /** Radiation: P(n extra jets). Signal 0.45, 0.36, then ×0.35 per further jet. */
  isrSignal: [0.45, 0.36],
  isrSignalRatio: 0.35,
  /** tt̄: 0: 45%, 1: 30%, 2: 15%, 3+: 10% (falling ×0.35 per further jet). */
  isrTtbar: [0.45, 0.30, 0.15],
  isrTtbarTail: 0.10,
  isrTtbarRatio: 0.35,
  /**
   * Radiation: dN/dpT ∝ pT^−index above ptMin (capped at ptMax), η ~ N(0, etaSigma), φ uniform.
   * physics-generator.md estimates pT^−2.5 above 20 GeV and σ_η = 1.7; calibrated to
   * pT^−3 above 30 GeV and σ_η = 1.5, see CALIBRATION below.
   */
  isrPtMin: 30, isrPtMax: 1000, isrPtIndex: 3, isrEtaSigma: 1.5,
} as const;

export type Flavor = 'e' | 'mu';

export interface TruthLepton {
  p: P4;
  flavor: Flavor;
  charge: 1 | -1;
  fromTau: boolean;
}

/** A quark or gluon that becomes a jet: direction and transverse momentum. */
export interface TruthJet {
  pt: number;
  eta: number;
  phi: number;
  b: boolean;
}

export interface TruthEvent {
  leptons: TruthLepton[];
  /** Sum of all neutrinos (from W and τ decays). */
  nu: P4;
  jets: TruthJet[];
  /** Mass of the lighter W (signal) for checks. */
  wStarMass?: number;
}

/** Cumulative distribution for the number of radiated jets. */
export function multiplicityCdf(head: readonly number[], tail: number, ratio: number, nMax = 12): Float64Array {
  // head[i] = P(i) for the first entries; after them `tail` is spread geometrically (×ratio).
  const w: number[] = [...head];
  if (tail > 0) {
    for (let k = 0; w.length <= nMax; k++) w.push(tail * (1 - ratio) * ratio ** k);
  } else {
    let last = head[head.length - 1];
    while (w.length <= nMax) { last *= ratio; w.push(last); }
  }
  const total = w.reduce((a, b) => a + b, 0);
  const cdf = new Float64Array(w.length);
  let acc = 0;
  w.forEach((v, i) => { acc += v / total; cdf[i] = acc; });
  cdf[cdf.length - 1] = 1;
  return cdf;
}

export const SIGNAL_ISR_CDF = multiplicityCdf(PHYS.isrSignal, 0, PHYS.isrSignalRatio);
export const TTBAR_ISR_CDF = multiplicityCdf(PHYS.isrTtbar, PHYS.isrTtbarTail, PHYS.isrTtbarRatio);

export function sampleMultiplicity(rng: Rng, cdf: Float64Array): number {
  const u = rng.next();
  let n = 0;
  while (u > cdf[n]) n++;
  return n;
}

/** Radiated jets: dN/dpT ∝ pT^−isrPtIndex above isrPtMin, η ~ N(0, isrEtaSigma), φ uniform. */
export function sampleIsrJets(rng: Rng, n: number): TruthJet[] {
  const jets: TruthJet[] = [];
  const a = PHYS.isrPtIndex - 1;
  for (let i = 0; i < n; i++) {
    let pT: number;
    do pT = PHYS.isrPtMin * (1 - rng.next()) ** (-1 / a); while (pT > PHYS.isrPtMax);
    jets.push({ pt: pT, eta: PHYS.isrEtaSigma * rng.normal(), phi: 2 * Math.PI * rng.next() - Math.PI, b: false });
  }
  return jets;
}

/** Transverse momentum of the hard system: balances the radiation plus a Gaussian kT. */
function recoil(rng: Rng, jets: TruthJet[]): [number, number] {
  let px = PHYS.kTSigma * rng.normal(), py = PHYS.kTSigma * rng.normal();
  for (const j of jets) { px -= j.pt * Math.cos(j.phi); py -= j.pt * Math.sin(j.phi); }
  return [px, py];
}

// ---------------------------------------------------------------- leptons

interface Primary {
  /** Mass of the particle the W decays to (τ or the light lepton). */
  mass: number;
  flavor: Flavor;
  tau: boolean;
}

function choosePrimary(rng: Rng): Primary {
  const tau = rng.next() < PHYS.tauFraction;
  const flavor: Flavor = rng.next() < 0.5 ? 'e' : 'mu';
  return { mass: tau ? PHYS.mTau : flavor === 'e' ? PHYS.mE : PHYS.mMu, flavor, tau };
}

/** τ → ℓνν in the τ rest frame (Michel spectrum, isotropic), boosted with the τ. */
function decayTau(rng: Rng, tau: P4, flavor: Flavor): { lep: P4; nus: P4 } {
  const m = PHYS.mTau;
  const ml = flavor === 'e' ? PHYS.mE : PHYS.mMu;
  let x: number;
  do x = rng.next(); while (rng.next() > x * x * (3 - 2 * x));
  const e = Math.max(x * m / 2, ml * 1.0001);
  const p = Math.sqrt(e * e - ml * ml);
  const [dx, dy, dz] = isotropic(rng);
  const lep = { e, x: p * dx, y: p * dy, z: p * dz };
  const nus = { e: m - e, x: -lep.x, y: -lep.y, z: -lep.z };
  return { lep: boostTo(lep, tau), nus: boostTo(nus, tau) };
}

function finishLepton(rng: Rng, primary: P4, pr: Primary, charge: 1 | -1): { lepton: TruthLepton; nus: P4 | null } {
  if (!pr.tau) return { lepton: { p: primary, flavor: pr.flavor, charge, fromTau: false }, nus: null };
  const { lep, nus } = decayTau(rng, primary, pr.flavor);
  return { lepton: { p: lep, flavor: pr.flavor, charge, fromTau: true }, nus };
}

// ---------------------------------------------------------------- H → WW*

/**
 * The pair of W masses for H → WW*, distributed as
 *   BW(m1²) BW(m2²) · p*(mH; m1, m2) · B(m1, m2)   on m1 + m2 < mH,
 * where B = ((mH² − m1² − m2²)/4)² bounds the spin-correlation matrix element
 * for these masses (B = 1 without the correlation). decayHiggs accepts the decay
 * angles with M²/B afterwards, so the masses end up with the exact weight
 * p*·M². The lighter mass comes from its tabulated marginal (4000 bins), the
 * heavier one by accept-reject under a piecewise-constant envelope in the
 * Breit-Wigner's arctangent variable (exact).
 */
class WWMassSampler {
  private lo: Float64Array;
  private cdf: Float64Array;
  private readonly MG = PHYS.mW * PHYS.wW;

  constructor(private readonly withBound: boolean, n = 4000) {
    const { mH, mWmin } = PHYS;
    this.lo = new Float64Array(n);
    this.cdf = new Float64Array(n);
    const top = mH / 2;
    const step = (top - mWmin) / (n - 1);
    let acc = 0, prev = 0;
    for (let i = 0; i < n; i++) {
      const m = mWmin + step * i;
      // density in m: BW(m²) · 2m · ∫ h(m, hi) BW(hi²) dhi² over hi ∈ [m, mH − m]
      const dens = i === n - 1 ? 0 : this.bw(m) * 2 * m * this.integrateHeavy(m);
      if (i > 0) acc += 0.5 * (dens + prev) * step;
      this.lo[i] = m;
      this.cdf[i] = acc;
      prev = dens;
    }
    for (let i = 0; i < n; i++) this.cdf[i] /= acc;
  }

  private bw(m: number): number {
    return 1 / ((m * m - PHYS.mW * PHYS.mW) ** 2 + this.MG * this.MG);
  }

  private t(hi: number): number {
    return Math.atan((hi * hi - PHYS.mW * PHYS.mW) / this.MG);
  }

  private hiOf(t: number): number {
    return Math.sqrt(Math.max(PHYS.mW * PHYS.mW + this.MG * Math.tan(t), 0));
  }

  /** The weight beyond the Breit-Wigners; decreasing in hi for hi ≥ lo. */
  h(lo: number, hi: number): number {
    const p = twoBodyMomentum(PHYS.mH, lo, hi);
    return this.withBound ? p * ((PHYS.mH ** 2 - lo * lo - hi * hi) / 4) ** 2 : p;
  }

  /** ∫ h(lo, hi) dt over the heavier mass in the arctangent variable t (BW-flat). */
  private integrateHeavy(lo: number, k = 400): number {
    const ta = this.t(lo), tb = this.t(PHYS.mH - lo);
    if (!(tb > ta)) return 0;
    const dt = (tb - ta) / k;
    let s = 0;
    for (let j = 0; j <= k; j++) s += (j === 0 || j === k ? 0.5 : 1) * this.h(lo, this.hiOf(ta + j * dt));
    return s * dt;
  }

  private static readonly EDGES = [40, 60, 70, 75, 78, 79.5, 80.4, 81.5, 83, 87, 95, 110];

  sample(rng: Rng): [number, number] {
    const u = rng.next();
    let a = 0, b = this.cdf.length - 1;
    while (b - a > 1) {
      const c = (a + b) >> 1;
      if (this.cdf[c] < u) a = c; else b = c;
    }
    const f = (u - this.cdf[a]) / (this.cdf[b] - this.cdf[a] || 1);
    const light = this.lo[a] + f * (this.lo[b] - this.lo[a]);
    // Envelope for the heavier mass: on each segment [hi_k, hi_k+1] the bound is h(light, hi_k).
    const hiMax = PHYS.mH - light;
    const { ts, bounds, weights } = this;
    const edges = WWMassSampler.EDGES;
    let n = 0, total = 0;
    let prevT = this.t(light), prevB = this.h(light, light);
    for (let i = 0; i <= edges.length; i++) {
      const edge = i < edges.length ? edges[i] : hiMax;
      if (i < edges.length && !(edge > light && edge < hiMax)) continue;
      const te = this.t(edge);
      ts[n] = prevT; bounds[n] = prevB;
      total += (te - prevT) * prevB;
      weights[n++] = total;
      prevT = te; prevB = this.h(light, edge);
    }
    ts[n] = prevT;
    for (;;) {
      const v = rng.next() * total;
      let k = 0;
      while (k < n - 1 && weights[k] < v) k++;
      const t = ts[k] + (ts[k + 1] - ts[k]) * rng.next();
      const heavy = Math.min(Math.max(this.hiOf(t), light), hiMax);
      if (rng.next() * bounds[k] <= this.h(light, heavy)) return [heavy, light];
    }
  }

  private readonly ts = new Float64Array(16);
  private readonly bounds = new Float64Array(16);
  private readonly weights = new Float64Array(16);
}

const wwSamplers = new Map<boolean, WWMassSampler>();

/**
 * H at rest frame → W+ W− → (ℓ+ or τ+) ν (ℓ− or τ−) ν̄ with the leading-order
 * weight w ∝ p*(mH; m1, m2) · (p_ℓ+ · p_ν̄)(p_ℓ− · p_ν). Returns lab-frame particles.
 */
export function decayHiggs(rng: Rng, H: P4, spinCorrelation = true): TruthEvent & { jets: [] } {
  let sampler = wwSamplers.get(spinCorrelation);
  if (!sampler) { sampler = new WWMassSampler(spinCorrelation); wwSamplers.set(spinCorrelation, sampler); }
  const { mH } = PHYS;
  for (;;) {
    // Masses already carry p*·B; the angles are accepted with M²/B ≤ 1, where
    // B = ((mH² − m1² − m2²)/4)² because the six pair products of the four decay
    // products add up to (mH² − Σ masses²)/2, so (p_ℓ+·p_ν̄) + (p_ℓ−·p_ν) ≤ (mH² − m1² − m2²)/2.
    // A rejection starts again from the masses (the angular acceptance depends on them).
    const [heavy, light] = sampler.sample(rng);
    const plusHeavy = rng.next() < 0.5;
    const m1 = plusHeavy ? heavy : light; // W+
    const m2 = plusHeavy ? light : heavy; // W−
    const pr1 = choosePrimary(rng), pr2 = choosePrimary(rng);
    if (pr1.mass >= m1 || pr2.mass >= m2) continue;
    const [dx, dy, dz] = isotropic(rng);
    const [w1, w2] = decayAt(mH, m1, m2, dx, dy, dz);
    const d1 = isotropic(rng), d2 = isotropic(rng);
    const [a1r, n1r] = decayAt(m1, pr1.mass, 0, d1[0], d1[1], d1[2]);
    const [a2r, n2r] = decayAt(m2, pr2.mass, 0, d2[0], d2[1], d2[2]);
    const a1 = boostTo(a1r, w1), n1 = boostTo(n1r, w1); // ℓ+, ν
    const a2 = boostTo(a2r, w2), n2 = boostTo(n2r, w2); // ℓ−, ν̄
    if (spinCorrelation) {
      const bound = ((mH * mH - m1 * m1 - m2 * m2) / 4) ** 2;
      if (rng.next() * bound > dot(a1, n2) * dot(a2, n1)) continue;
    }
    const l1 = finishLepton(rng, boostTo(a1, H), pr1, 1);
    const l2 = finishLepton(rng, boostTo(a2, H), pr2, -1);
    let nu = add(boostTo(n1, H), boostTo(n2, H));
    if (l1.nus) nu = add(nu, l1.nus);
    if (l2.nus) nu = add(nu, l2.nus);
    return { leptons: [l1.lepton, l2.lepton], nu, jets: [], wStarMass: Math.min(m1, m2) };
  }
}

/** gg → H (+ radiation): the Higgs four-vector in the lab. */
export function produceHiggs(rng: Rng, isr: TruthJet[]): P4 {
  const [px, py] = recoil(rng, isr);
  return fromPxPyYM(px, py, PHYS.higgsRapiditySigma * rng.normal(), PHYS.mH);
}

// ---------------------------------------------------------------- tt̄

/** dN/dcosθ* = ¾F0 sin²θ* + ⅜FL(1 − cosθ*)² + ⅜FR(1 + cosθ*)², θ* of the charged lepton vs the W direction in the top frame. */
export function sampleHelicityCos(rng: Rng): number {
  const { F0, FL, FR } = PHYS;
  const max = 0.75 * F0 + 1.5 * (FL + FR);
  for (;;) {
    const c = 2 * rng.next() - 1;
    const f = 0.75 * F0 * (1 - c * c) + 0.375 * FL * (1 - c) ** 2 + 0.375 * FR * (1 + c) ** 2;
    if (rng.next() * max <= f) return c;
  }
}

/** t → bW, W → ℓν (or τν) in the top's rest frame, then boosted with the top. */
function decayTop(rng: Rng, top: P4, mTop: number, charge: 1 | -1): { b: P4; lepton: TruthLepton; nu: P4 } {
  const { mB, mW, wW, mWmin } = PHYS;
  const mw = breitWigner(rng, mW, wW, mWmin, mTop - mB - 1e-6);
  const [dx, dy, dz] = isotropic(rng);
  const [w, b] = decayAt(mTop, mw, mB, dx, dy, dz);
  let pr = choosePrimary(rng);
  while (pr.mass >= mw) pr = choosePrimary(rng);
  const cosT = sampleHelicityCos(rng);
  const [lx, ly, lz] = directionAround(dx, dy, dz, cosT, 2 * Math.PI * rng.next());
  const [aR, nR] = decayAt(mw, pr.mass, 0, lx, ly, lz);
  const a = boostTo(boostTo(aR, w), top);
  let nu = boostTo(boostTo(nR, w), top);
  const fin = finishLepton(rng, a, pr, charge);
  if (fin.nus) nu = add(nu, fin.nus);
  return { b: boostTo(b, top), lepton: fin.lepton, nu };
}

/** tt̄ (+ radiation) → b ℓ+ ν b̄ ℓ− ν̄ in the lab. */
export function generateTtbar(rng: Rng, isr: TruthJet[]): TruthEvent {
  const { mT, wT, mttShape, mttScale, ttKappa } = PHYS;
  const m1 = breitWigner(rng, mT, wT, mT - 15, mT + 15);
  const m2 = breitWigner(rng, mT, wT, mT - 15, mT + 15);
  let mtt: number;
  do mtt = 2 * mT + gamma(rng, mttShape, mttScale); while (mtt <= m1 + m2);
  const [px, py] = recoil(rng, isr);
  const tt = fromPxPyYM(px, py, PHYS.ttRapiditySigma * rng.normal(), mtt);
  let c: number;
  do c = 2 * rng.next() - 1; while (rng.next() * (1 + ttKappa) > 1 + ttKappa * c * c);
  const s = Math.sqrt(1 - c * c), f = 2 * Math.PI * rng.next();
  const [tR, tbR] = decayAt(mtt, m1, m2, s * Math.cos(f), s * Math.sin(f), c);
  const t = decayTop(rng, boostTo(tR, tt), m1, 1);
  const tb = decayTop(rng, boostTo(tbR, tt), m2, -1);
  const bJet = (b: P4): TruthJet => {
    const pT = Math.hypot(b.x, b.y);
    return { pt: pT, eta: pT > 0 ? Math.asinh(b.z / pT) : 1e9, phi: Math.atan2(b.y, b.x), b: true };
  };
  return { leptons: [t.lepton, tb.lepton], nu: add(t.nu, tb.nu), jets: [bJet(t.b), bJet(tb.b), ...isr] };
}


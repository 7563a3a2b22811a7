/**
 * An ATLAS-like detector in a few lines: acceptance, efficiency and resolution
 * for electrons, muons and jets, jet masses, and the missing transverse
 * momentum. Numbers from shared/docs/physics-generator.md.
 */
import type { Rng } from '../../core/rng';
import { eta as etaOf, lognormal, phi as phiOf, pt as ptOf } from './kinematics';
import { PHYS, type TruthJet, type TruthLepton } from './physics';

export const DET = {
  jetPtMin: 20,
  jetEtaMax: 2.5,
  /**
   * Reconstructed b-jet pT ≈ response × b-quark pT before smearing. physics-generator.md
   * estimates 0.92; 0.88 allows for semileptonic b decays (the neutrino escapes) and
   * out-of-cone radiation, and is part of the calibration described in physics.ts.
   */
  bJetResponse: 0.88,
  /**
   * Jet mass = r·pT, r lognormal. physics-generator.md estimates medians 0.12
   * (light) and 0.15 (b); with those, jet1_mass became the second most important
   * feature, against the course's ranking (m_ll, then HT_all and the lepton
   * angle, then Njets, jet1_mass, MET). Radiation in gg → H is mostly gluon jets,
   * heavier than light-quark jets, so the medians are set closer: 0.13 and 0.14.
   */
  jetMassMedian: 0.13,
  bJetMassMedian: 0.14,
  jetMassSigmaLn: 0.35,
  muonResolution: 0.029,
  electronResolution: 0.036,
  electronEtaMax: 2.47,
  electronCrack: [1.37, 1.52] as const,
  muonEtaMax: 2.5,
  electronEfficiency: 0.85,
  muonEfficiency: 0.95,
  /** Gaussian soft term of the missing transverse momentum, per component, GeV. */
  metSoftSigma: 9,
  leadingLeptonPtMin: 22,
  subleadingLeptonPtMin: 15,
} as const;

/** σ/pT of a jet: 3/pT ⊕ 0.85/√pT ⊕ 0.03 (pT in GeV). */
export function jetResolution(pT: number): number {
  return Math.sqrt((3 / pT) ** 2 + 0.85 * 0.85 / pT + 0.03 * 0.03);
}

/** A reconstructed object: pT, η, φ and mass; `dx`, `dy` = true − measured transverse momentum. */
export interface Reco {
  pt: number;
  eta: number;
  phi: number;
  m: number;
  dx: number;
  dy: number;
}

/** Jet reconstruction: response, smearing, mass, then pT > 20 GeV and |η| < 2.5. Null when lost. */
export function reconstructJet(rng: Rng, j: TruthJet): Reco | null {
  const base = j.b ? DET.bJetResponse * j.pt : j.pt;
  const pT = base * (1 + jetResolution(base) * rng.normal());
  const r = lognormal(rng, j.b ? DET.bJetMassMedian : DET.jetMassMedian, DET.jetMassSigmaLn);
  if (!(pT > DET.jetPtMin) || Math.abs(j.eta) >= DET.jetEtaMax) return null;
  return {
    pt: pT, eta: j.eta, phi: j.phi, m: r * pT,
    dx: (j.pt - pT) * Math.cos(j.phi), dy: (j.pt - pT) * Math.sin(j.phi),
  };
}

/** Electron or muon: acceptance, efficiency and pT resolution. Null when not reconstructed. */
export function reconstructLepton(rng: Rng, l: TruthLepton): Reco | null {
  const truePt = ptOf(l.p);
  const et = etaOf(l.p), ph = phiOf(l.p);
  const a = Math.abs(et);
  const isE = l.flavor === 'e';
  const inAcceptance = isE
    ? a < DET.electronEtaMax && !(a > DET.electronCrack[0] && a < DET.electronCrack[1])
    : a < DET.muonEtaMax;
  const found = rng.next() < (isE ? DET.electronEfficiency : DET.muonEfficiency);
  const pT = truePt * (1 + (isE ? DET.electronResolution : DET.muonResolution) * rng.normal());
  if (!inAcceptance || !found || !(pT > 0)) return null;
  return {
    pt: pT, eta: et, phi: ph, m: isE ? PHYS.mE : PHYS.mMu,
    dx: (truePt - pT) * Math.cos(ph), dy: (truePt - pT) * Math.sin(ph),
  };
}

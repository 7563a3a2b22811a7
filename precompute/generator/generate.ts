/**
 * The built-in H→WW* vs tt̄ sample: simulate events, reconstruct them, apply
 * the selection and compute the course's 26 features, deterministically for a
 * seed (core/rng, never Math.random).
 */
import { COURSE_FEATURES, type EventClass } from '../../core/events';
import { type Rng, createRng } from '../../core/rng';
import { DET, type Reco, reconstructJet, reconstructLepton } from './detector';
import {
  type TruthEvent, type TruthJet, SIGNAL_ISR_CDF, TTBAR_ISR_CDF,
  decayHiggs, generateTtbar, produceHiggs, sampleIsrJets, sampleMultiplicity,
} from './physics';

export const GENERATOR_VERSION = 1;

/** Where `npm run data:generate` writes by default and `npm start` looks (git-ignored). */
export const BUILTIN_DATA_PATH = 'data/ww-vs-tt-sim.h5';

export interface GeneratorOptions {
  /** Events after selection, both classes together. */
  events: number;
  seed: number;
  /** Fraction of signal events (0-1). */
  signalFraction: number;
  /** Selection: at least this many jets (pT > 20 GeV, |η| < 2.5). */
  minJets: number;
  /** HT_all: scalar pT sum of the jets and both leptons, or of the jets only. */
  htAll: 'jets+leptons' | 'jets';
  /** angle_between_*: 3-D opening angle, or azimuthal separation folded into [0, π]. */
  angles: 'opening' | 'dphi';
  /** The V−A spin-correlation weight in H → WW* (off only to show what it does). */
  spinCorrelation: boolean;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  events: 378_000,
  seed: 1,
  signalFraction: 0.4,
  minJets: 2,
  htAll: 'jets+leptons',
  angles: 'opening',
  spinCorrelation: true,
};

export interface ClassStats {
  /** Simulated events (before reconstruction and selection). */
  simulated: number;
  selected: number;
}

export interface GeneratedSample {
  features: string[];
  signal: EventClass;
  background: EventClass;
  options: GeneratorOptions;
  stats: { signal: ClassStats; background: ClassStats; seconds: number };
}

/** A selected, reconstructed event. */
export interface RecoEvent {
  leptons: [Reco, Reco];
  /** Selected jets, highest pT first. */
  jets: Reco[];
  metX: number;
  metY: number;
}

type Kind = 'signal' | 'background';

/** Simulates one event of `kind`; null when it fails reconstruction or selection. */
export function simulateEvent(rng: Rng, kind: Kind, opts: GeneratorOptions): RecoEvent | null {
  const nIsr = sampleMultiplicity(rng, kind === 'signal' ? SIGNAL_ISR_CDF : TTBAR_ISR_CDF);
  // Signal jets all come from radiation: too few radiated partons can never pass.
  if (kind === 'signal' && nIsr < opts.minJets) return null;
  const isr = sampleIsrJets(rng, nIsr);
  let truth: TruthEvent;
  let jetsTruth: TruthJet[];
  let jets: Reco[];
  if (kind === 'signal') {
    // The radiation does not depend on the Higgs decay: reject on the jet count
    // first and skip the decay for events that cannot pass (same distribution, faster).
    jets = recoJets(rng, isr);
    if (jets.length < opts.minJets) return null;
    truth = decayHiggs(rng, produceHiggs(rng, isr), opts.spinCorrelation);
    jetsTruth = isr;
  } else {
    truth = generateTtbar(rng, isr);
    jetsTruth = truth.jets;
    jets = recoJets(rng, jetsTruth);
    if (jets.length < opts.minJets) return null;
  }
  const l0 = reconstructLepton(rng, truth.leptons[0]);
  const l1 = reconstructLepton(rng, truth.leptons[1]);
  if (!l0 || !l1) return null; // exactly two (opposite-sign) leptons
  const leptons: [Reco, Reco] = l0.pt >= l1.pt ? [l0, l1] : [l1, l0];
  if (leptons[0].pt <= DET.leadingLeptonPtMin || leptons[1].pt <= DET.subleadingLeptonPtMin) return null;
  let metX = truth.nu.x + DET.metSoftSigma * rng.normal();
  let metY = truth.nu.y + DET.metSoftSigma * rng.normal();
  metX += leptons[0].dx + leptons[1].dx;
  metY += leptons[0].dy + leptons[1].dy;
  for (const j of jets) { metX += j.dx; metY += j.dy; }
  return { leptons, jets, metX, metY };
}

function recoJets(rng: Rng, truth: TruthJet[]): Reco[] {
  const out: Reco[] = [];
  for (const j of truth) {
    const r = reconstructJet(rng, j);
    if (r) out.push(r);
  }
  return out.sort((a, b) => b.pt - a.pt);
}

type Cols = Record<string, Float64Array>;
const OBJECTS = ['lepton0', 'lepton1', 'jet0', 'jet1'] as const;

/** Writes the 26 features of `ev` into row `i` of `cols` (definitions in physics-generator.md). */
export function fillFeatures(ev: RecoEvent, cols: Cols, i: number, opts: GeneratorOptions): void {
  const objs = [ev.leptons[0], ev.leptons[1], ev.jets[0], ev.jets[1]];
  // px, py, pz, E of the four objects (0 for a missing jet), as stored in the file.
  const v = new Float64Array(16);
  for (let k = 0; k < 4; k++) {
    const o = objs[k];
    const name = OBJECTS[k];
    if (o) {
      const px = o.pt * Math.cos(o.phi), py = o.pt * Math.sin(o.phi), pz = o.pt * Math.sinh(o.eta);
      v[4 * k] = px; v[4 * k + 1] = py; v[4 * k + 2] = pz;
      v[4 * k + 3] = Math.sqrt(px * px + py * py + pz * pz + o.m * o.m);
    }
    const px = v[4 * k], py = v[4 * k + 1], pz = v[4 * k + 2], e = v[4 * k + 3];
    cols[FEATURE_NAMES[name].px][i] = px;
    cols[FEATURE_NAMES[name].py][i] = py;
    cols[FEATURE_NAMES[name].pz][i] = pz;
    cols[FEATURE_NAMES[name].energy][i] = e;
    cols[FEATURE_NAMES[name].mass][i] = Math.sqrt(Math.max(e * e - px * px - py * py - pz * pz, 0));
  }
  const [l0, l1] = ev.leptons;
  cols.Njets[i] = ev.jets.length;
  let ht = 0;
  for (const j of ev.jets) ht += j.pt;
  if (opts.htAll === 'jets+leptons') ht += l0.pt + l1.pt;
  cols.HT_all[i] = ht;
  cols.MissingEnergy[i] = Math.hypot(ev.metX, ev.metY);
  const sx = v[0] + v[4], sy = v[1] + v[5], sz = v[2] + v[6], se = v[3] + v[7];
  cols.combined_leptons_mass[i] = Math.sqrt(Math.max(se * se - sx * sx - sy * sy - sz * sz, 0));
  cols.angle_between_leptons[i] = angle(opts, v[0], v[1], v[2], v[4], v[5], v[6]);
  cols.angle_between_jets[i] = ev.jets.length >= 2 ? angle(opts, v[8], v[9], v[10], v[12], v[13], v[14]) : 0;
}

const FEATURE_NAMES = Object.fromEntries(OBJECTS.map((o) => [o, {
  px: `${o}_px`, py: `${o}_py`, pz: `${o}_pz`, energy: `${o}_energy`, mass: `${o}_mass`,
}])) as Record<(typeof OBJECTS)[number], { px: string; py: string; pz: string; energy: string; mass: string }>;

function angle(opts: GeneratorOptions, ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  if (opts.angles === 'dphi') {
    const d = Math.abs(Math.atan2(ay, ax) - Math.atan2(by, bx));
    return d > Math.PI ? 2 * Math.PI - d : d;
  }
  const na = Math.sqrt(ax * ax + ay * ay + az * az), nb = Math.sqrt(bx * bx + by * by + bz * bz);
  const c = (ax * bx + ay * by + az * bz) / (na * nb);
  return Math.acos(Math.min(1, Math.max(-1, c)));
}

export function validateOptions(o: GeneratorOptions): string | null {
  if (!Number.isInteger(o.events) || o.events < 2) return `--events must be an integer ≥ 2 (got ${o.events})`;
  if (!Number.isInteger(o.seed)) return `--seed must be an integer (got ${o.seed})`;
  if (!(o.signalFraction > 0 && o.signalFraction < 1)) return `--signal-fraction must be between 0 and 1 (got ${o.signalFraction})`;
  if (!Number.isInteger(o.minJets) || o.minJets < 0 || o.minJets > 6) return `--min-jets must be 0-6 (got ${o.minJets})`;
  if (o.htAll !== 'jets+leptons' && o.htAll !== 'jets') return `--ht-all must be jets+leptons or jets (got ${o.htAll})`;
  if (o.angles !== 'opening' && o.angles !== 'dphi') return `--angles must be opening or dphi (got ${o.angles})`;
  return null;
}

/** Generates one class. `rng` must be this class's own stream. */
export function generateClass(rng: Rng, kind: Kind, count: number, opts: GeneratorOptions, key: string): { cls: EventClass; stats: ClassStats } {
  const cols: Record<string, Float64Array> = {};
  for (const f of COURSE_FEATURES) cols[f] = new Float64Array(count);
  let simulated = 0, i = 0;
  while (i < count) {
    simulated++;
    const ev = simulateEvent(rng, kind, opts);
    if (!ev) continue;
    fillFeatures(ev, cols, i, opts);
    i++;
  }
  return { cls: { key, count, columns: cols }, stats: { simulated, selected: count } };
}

/** The whole sample: signal and background from independent streams of the seed. */
export function generateSample(partial: Partial<GeneratorOptions> = {}): GeneratedSample {
  const opts = { ...DEFAULT_GENERATOR_OPTIONS, ...partial };
  const problem = validateOptions(opts);
  if (problem) throw new Error(problem);
  const t0 = performance.now();
  const nSignal = Math.round(opts.events * opts.signalFraction);
  const master = createRng(opts.seed);
  const sigRng = master.fork();
  const bkgRng = master.fork();
  const sig = generateClass(sigRng, 'signal', nSignal, opts, 'Signal');
  const bkg = generateClass(bkgRng, 'background', opts.events - nSignal, opts, 'Background');
  return {
    features: [...COURSE_FEATURES],
    signal: sig.cls,
    background: bkg.cls,
    options: opts,
    stats: { signal: sig.stats, background: bkg.stats, seconds: (performance.now() - t0) / 1000 },
  };
}

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

/** Bumped whenever the same seed would give different events (2: the calibration in physics.ts). */
export const GENERATOR_VERSION = 2;

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

/**
 * The most events one run makes: about 13x the course's file. The table is 26
 * float64 columns (208 bytes an event, 1 GB at this size) and exists several
 * times over while chunks are joined and the file is written, so much more runs
 * Node out of memory; the book needs far fewer anyway.
 */
export const MAX_EVENTS = 5_000_000;
/** Seeds are hashed as 32-bit words (chunkSeed): larger or negative ones would repeat another seed's events. */
export const MAX_SEED = 2 ** 32 - 1;

export function validateOptions(o: GeneratorOptions): string | null {
  if (!Number.isInteger(o.events) || o.events < 2 || o.events > MAX_EVENTS) {
    return `--events must be a whole number from 2 to ${MAX_EVENTS.toLocaleString('en-US')} (got ${o.events})`;
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > MAX_SEED) {
    return `--seed must be a whole number from 0 to ${MAX_SEED} (got ${o.seed})`;
  }
  if (!(o.signalFraction > 0 && o.signalFraction < 1)) return `--signal-fraction must be between 0 and 1 (got ${o.signalFraction})`;
  const split = (n: number) => { const s = Math.round(n * o.signalFraction); return [s, n - s]; };
  const [nSignal, nBackground] = split(o.events);
  if (nSignal < 1 || nBackground < 1) {
    // The fewest events that give each class one (rounding as planChunks does).
    let enough = Math.ceil(0.5 / Math.min(o.signalFraction, 1 - o.signalFraction));
    while (enough <= MAX_EVENTS && Math.min(...split(enough)) < 1) enough++;
    return `--signal-fraction ${o.signalFraction} of ${o.events} events gives ${nSignal} signal and ${nBackground} background events, `
      + 'but each class needs at least 1: '
      + (enough <= MAX_EVENTS ? `use --events ${enough} or more, or a fraction nearer 0.5` : 'choose a fraction nearer 0.5');
  }
  if (!Number.isInteger(o.minJets) || o.minJets < 0 || o.minJets > 6) return `--min-jets must be 0-6 (got ${o.minJets})`;
  if (o.htAll !== 'jets+leptons' && o.htAll !== 'jets') return `--ht-all must be jets+leptons or jets (got ${o.htAll})`;
  if (o.angles !== 'opening' && o.angles !== 'dphi') return `--angles must be opening or dphi (got ${o.angles})`;
  return null;
}

/**
 * Events are made in chunks of CHUNK_EVENTS selected events, each chunk from its
 * own random stream derived from (seed, class, chunk index). The sample is then
 * the same whether the chunks run one after another (generateSample) or on
 * worker threads (generateSampleParallel), on any number of cores.
 */
export const CHUNK_EVENTS = 8192;

export interface Chunk {
  kind: Kind;
  index: number;
  count: number;
}

/** The chunks of one sample, longest-running (signal) first. */
export function planChunks(opts: GeneratorOptions): Chunk[] {
  const nSignal = Math.round(opts.events * opts.signalFraction);
  const chunks: Chunk[] = [];
  for (const [kind, total] of [['signal', nSignal], ['background', opts.events - nSignal]] as const) {
    for (let index = 0, done = 0; done < total; index++, done += CHUNK_EVENTS) {
      chunks.push({ kind, index, count: Math.min(CHUNK_EVENTS, total - done) });
    }
  }
  return chunks;
}

/** Seed of a chunk's stream: a 32-bit hash of (seed, class, chunk). */
function chunkSeed(seed: number, kind: Kind, index: number): number {
  let h = (seed | 0) ^ 0x9e3779b9;
  for (const v of [kind === 'signal' ? 1 : 2, index + 1]) {
    h = Math.imul(h ^ v, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export interface ChunkResult {
  columns: Record<string, Float64Array>;
  simulated: number;
}

/** Simulates events until `chunk.count` pass the selection. */
export function generateChunk(chunk: Chunk, opts: GeneratorOptions): ChunkResult {
  const rng = createRng(chunkSeed(opts.seed, chunk.kind, chunk.index));
  const columns: Record<string, Float64Array> = {};
  for (const f of COURSE_FEATURES) columns[f] = new Float64Array(chunk.count);
  let simulated = 0, i = 0;
  while (i < chunk.count) {
    simulated++;
    const ev = simulateEvent(rng, chunk.kind, opts);
    if (!ev) continue;
    fillFeatures(ev, columns, i, opts);
    i++;
  }
  return { columns, simulated };
}

/** Puts chunk results (in planChunks order) together into the sample. */
export function assembleSample(opts: GeneratorOptions, chunks: Chunk[], results: ChunkResult[], seconds: number): GeneratedSample {
  const build = (kind: Kind, key: string): { cls: EventClass; stats: ClassStats } => {
    const parts = chunks.map((c, i) => [c, results[i]] as const).filter(([c]) => c.kind === kind);
    const count = parts.reduce((n, [c]) => n + c.count, 0);
    const columns: Record<string, Float64Array> = {};
    for (const f of COURSE_FEATURES) {
      const col = new Float64Array(count);
      let at = 0;
      for (const [c, r] of parts) { col.set(r.columns[f], at); at += c.count; }
      columns[f] = col;
    }
    const simulated = parts.reduce((n, [, r]) => n + r.simulated, 0);
    return { cls: { key, count, columns }, stats: { simulated, selected: count } };
  };
  const sig = build('signal', 'Signal');
  const bkg = build('background', 'Background');
  return {
    features: [...COURSE_FEATURES],
    signal: sig.cls,
    background: bkg.cls,
    options: opts,
    stats: { signal: sig.stats, background: bkg.stats, seconds },
  };
}

export function resolveOptions(partial: Partial<GeneratorOptions>): GeneratorOptions {
  const opts = { ...DEFAULT_GENERATOR_OPTIONS, ...partial };
  const problem = validateOptions(opts);
  if (problem) throw new Error(problem);
  return opts;
}

/** The whole sample, in this thread (see generateSampleParallel for the same sample on all cores). */
export function generateSample(partial: Partial<GeneratorOptions> = {}): GeneratedSample {
  const opts = resolveOptions(partial);
  const t0 = performance.now();
  const chunks = planChunks(opts);
  const results = chunks.map((c) => generateChunk(c, opts));
  return assembleSample(opts, chunks, results, (performance.now() - t0) / 1000);
}

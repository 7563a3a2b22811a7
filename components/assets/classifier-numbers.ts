/**
 * Numbers for the prose of chapters 7-9, computed at build time from the precomputed
 * assets (components/assets/book-assets.ts) with the same core/ code the widgets use.
 * Nothing here is typed by hand: a rebuild with other data or another profile changes
 * the text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetLocation, loadManifest, loadRunMetrics, fmt } from './book-assets';
import { decodeTestScores, type RunMetrics } from '../../core/schema';
import { ThresholdSweeper } from '../../core/threshold';

export { fmt };

export function runOf(id: string): RunMetrics {
  return loadRunMetrics(id);
}

/** "test accuracy 86.8 %, AUC 0.944" */
export function accAuc(id: string): string {
  const r = runOf(id);
  return `test accuracy ${fmt.pct(r.test.accuracy)}, AUC ${fmt.fixed(r.auc, 3)}`;
}

/** Fraction of background events in the test split: the accuracy of calling everything background. */
export function backgroundFraction(id: string): number {
  const r = runOf(id);
  return r.test.background.support / (r.test.background.support + r.test.signal.support);
}

/**
 * Binary cross-entropy of the best constant answer: a network that outputs the
 * signal fraction p for every event has loss −p ln p − (1 − p) ln(1 − p).
 * A run whose training loss sits there has learnt the class fractions and nothing else.
 */
export function classFractionLoss(id: string): number {
  const p = 1 - backgroundFraction(id);
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

/** Training loss at the first and the last epoch. */
export function lossPath(id: string): { first: number; last: number } {
  const h = runOf(id).history;
  return { first: h[0].trainLoss, last: h[h.length - 1].trainLoss };
}

/** True when a run's accuracy is that of a constant answer (everything background or everything signal). */
export function isConstantAnswer(id: string): boolean {
  const r = runOf(id);
  const c = r.test.confusion;
  return c.tp + c.fp === 0 || c.tn + c.fn === 0;
}

/** Largest rise of the validation loss from one epoch to the next, and how many epochs rose. */
export function valLossJumps(id: string): { largestRise: number; rises: number; epochs: number } {
  const h = runOf(id).history;
  let largestRise = 0, rises = 0;
  for (let i = 1; i < h.length; i++) {
    const d = h[i].valLoss - h[i - 1].valLoss;
    if (d > 0) { rises++; largestRise = Math.max(largestRise, d); }
  }
  return { largestRise, rises, epochs: h.length };
}

/** Hours for `epochs` epochs over `events` events at the speed the precompute measured for a run. */
export function hoursFor(id: string, epochs: number, events: number): number {
  const r = runOf(id);
  return (epochs * events) / r.samplesPerSecond / 3600;
}

export function testScores(id: string): { scores: Float32Array; labels: Float32Array } {
  const r = runOf(id);
  const buf = readFileSync(join(assetLocation().dir, 'runs', id, 'test-scores.bin'));
  return decodeTestScores(new Uint8Array(buf).buffer, r.testScores.count);
}

export function workingPoints(id: string, effs = [0.5, 0.7, 0.9]) {
  const { scores, labels } = testScores(id);
  const sw = new ThresholdSweeper(labels, scores);
  return effs.map((e) => ({ target: e, ...sw.workingPoint(e), nBackground: sw.background.length }));
}

/** Importances of a run sorted from most to least important (null when the run has none). */
export function importances(id: string) {
  const pi = runOf(id).permutationImportance;
  if (!pi) return null;
  return { baseline: pi.baseline, repeats: pi.repeats, sorted: [...pi.importances].sort((a, b) => b.mean - a.mean) };
}

/** Where the numbers come from, in words, from the manifest. */
export function provenance(): string {
  const m = loadManifest();
  const p = m.profile === 'quick'
    ? `the quick profile (${fmt.pct(m.profileSettings.eventFraction, 0)} of the events, at most ${m.profileSettings.maxEpochs} epochs per mini-batch run; full-batch runs take all theirs, one step each)`
    : 'the full profile (all events, every run for its configured epochs)';
  return `${p}, trained with TF.js ${m.libraries['@tensorflow/tfjs'] ?? ''} on the ${m.backend.name} backend (${m.backend.device})`;
}

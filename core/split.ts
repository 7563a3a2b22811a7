/**
 * Seeded, stratified train/validation/test split. Each class is shuffled and
 * cut separately, so every split holds both classes in the overall proportion
 * whatever the order of the file (a file with all signal rows first is the
 * common case, and TF.js's validationSplit would take only background).
 */
import { createRng } from './rng';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

export interface SplitIndices {
  train: Uint32Array;
  val: Uint32Array;
  test: Uint32Array;
}

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.8, val: 0.1, test: 0.1 };

export function stratifiedSplit(labels: ArrayLike<number>, seed: number, fr: SplitFractions = DEFAULT_FRACTIONS): SplitIndices {
  const total = fr.train + fr.val + fr.test;
  if (Math.abs(total - 1) > 1e-9 || fr.train <= 0 || fr.val < 0 || fr.test < 0) {
    throw new Error(`split fractions must be non-negative and add up to 1 (got ${fr.train}/${fr.val}/${fr.test})`);
  }
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!byClass.has(y)) byClass.set(y, []);
    byClass.get(y)!.push(i);
  }
  const train: number[] = [], val: number[] = [], test: number[] = [];
  // Fixed class order so the result does not depend on which class comes first in the file.
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = rng.shuffle(byClass.get(y)!);
    const nVal = Math.round(idx.length * fr.val);
    const nTest = Math.round(idx.length * fr.test);
    const nTrain = idx.length - nVal - nTest;
    // Plain loops: spreading 300k indices into push() overflows the call stack.
    for (let k = 0; k < idx.length; k++) (k < nTrain ? train : k < nTrain + nVal ? val : test).push(idx[k]);
  }
  // Interleave the classes so a consumer that ignores shuffling still sees both.
  return {
    train: rng.shuffle(Uint32Array.from(train)),
    val: rng.shuffle(Uint32Array.from(val)),
    test: rng.shuffle(Uint32Array.from(test)),
  };
}

/** A seeded stratified subsample keeping `fraction` of each class (the quick profile). */
export function stratifiedSubsample(labels: ArrayLike<number>, fraction: number, seed: number): Uint32Array {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`subsample fraction must be in (0, 1], got ${fraction}`);
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    if (!byClass.has(labels[i])) byClass.set(labels[i], []);
    byClass.get(labels[i])!.push(i);
  }
  const keep: number[] = [];
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = rng.shuffle(byClass.get(y)!);
    const n = Math.max(1, Math.round(idx.length * fraction));
    for (let k = 0; k < n; k++) keep.push(idx[k]);
  }
  return Uint32Array.from(keep.sort((a, b) => a - b));
}

/**
 * How the precompute will split a file, counted before reading a single event:
 * events of each class in training, validation and test under a profile, and
 * whether every part holds both classes (it must: training to learn them,
 * validation for early stopping, test for the ROC curve). Used by the dry run
 * of `npm run book` and by the precompute itself, before it trains anything.
 */
import type { DatasetConfig, Profile } from '../../core/schema';
import { profileEventFraction } from './prepare';

const int = (n: number) => n.toLocaleString('en-US');

export interface ClassParts { used: number; train: number; val: number; test: number }
export interface SplitSizes { train: number; val: number; test: number; used: number; signal: ClassParts; background: ClassParts }

/**
 * Events of one class in each part: the same rounding as core/split.ts (stratifiedSubsample
 * keeps max(1, round(n × fraction)) of a class; stratifiedSplit rounds validation and test
 * and gives the rest to training). Counts only, so a large file costs nothing.
 */
export function classParts(count: number, fraction: number, split: DatasetConfig['split']): ClassParts {
  const used = count === 0 ? 0 : fraction < 1 ? Math.max(1, Math.round(count * fraction)) : count;
  const val = Math.round(used * split.val), test = Math.round(used * split.test);
  return { used, train: used - val - test, val, test };
}

/** Events per split for `signal` + `background` events under a profile (as precompute/train/prepare.ts splits them). */
export function splitSizes(signal: number, background: number, config: DatasetConfig, profile: Profile): SplitSizes {
  const fraction = profileEventFraction(profile, signal + background);
  const s = classParts(signal, fraction, config.split), b = classParts(background, fraction, config.split);
  return { train: s.train + b.train, val: s.val + b.val, test: s.test + b.test, used: s.used + b.used, signal: s, background: b };
}

const PARTS = ['train', 'val', 'test'] as const;
const PART_NAMES = { train: 'training', val: 'validation', test: 'test' } as const;

/** The smallest count of one class whose split gives every part at least one event, the other class fixed. */
function neededCount(other: number, config: DatasetConfig, profile: Profile): number {
  for (let n = 1; n < 1e7; n++) {
    const p = classParts(n, profileEventFraction(profile, n + other), config.split);
    if (PARTS.every((k) => p[k] >= 1)) return n;
  }
  return Infinity;
}

/**
 * Every part of the split needs events of both classes: training to learn them, validation
 * for early stopping and the learning curves, test for the ROC curve (which is not defined
 * with one class). Returns null when the split works, else the problem and what the file
 * would need, for a PrecomputeError.
 */
export function splitProblem(signal: number, background: number, config: DatasetConfig, profile: Profile,
  names: { signal: string; background: string }): { problem: string; todo: string } | null {
  const sizes = splitSizes(signal, background, config, profile);
  const short: string[] = [];
  const needs: string[] = [];
  for (const cls of ['signal', 'background'] as const) {
    const p = sizes[cls];
    const empty = PARTS.filter((k) => p[k] < 1);
    if (!empty.length) continue;
    const count = cls === 'signal' ? signal : background;
    const kept = p.used === count ? `${int(count)} event${count === 1 ? '' : 's'}` : `${int(p.used)} kept of ${int(count)} events`;
    short.push(`${cls} ("${names[cls]}"): ${kept} → training ${int(p.train)}, validation ${int(p.val)}, test ${int(p.test)}`
      + ` (none for ${empty.map((k) => PART_NAMES[k]).join(' or ')})`);
    const other = cls === 'signal' ? background : signal;
    const need = neededCount(other, config, profile);
    // Under the quick profile a large file keeps a fraction, so it needs more than the full profile would.
    const full = neededCount(other, config, 'full');
    const more = profile === 'quick' && need !== full ? ` with the quick profile (${int(full)} with --profile full)` : '';
    needs.push(`${int(need)} ${cls} events${more}`);
  }
  if (!short.length) return null;
  const s = config.split;
  const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;
  const fullWorks = profile === 'quick' && splitProblem(signal, background, config, 'full', names) === null;
  return {
    problem: `too few events to split (${profile} profile, ${pct(s.train)} training, ${pct(s.val)} validation, ${pct(s.test)} test per class): ${short.join('; ')}. `
      + 'Every part needs events of both classes: the test scores need both for a ROC curve, validation for early stopping.',
    todo: fullWorks
      ? `run with --profile full, which keeps every event (the quick profile keeps ${int(sizes.used)} of the ${int(signal + background)}), or use a file with more events.`
      : `use a file with at least ${needs.join(' and ')}.`,
  };
}

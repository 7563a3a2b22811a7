/**
 * Does a configuration chosen in the page's trainer equal one of the dataset's
 * precomputed runs? Then the page can show that run's full-data result next to
 * the reader's result on the small sample.
 */
import type { RunConfig } from './schema';
import type { EarlyStopping, LrSchedule } from './train';

/** What the page's trainer lets the reader choose: a run's training settings, with the
 *  feature list itself instead of a named feature set. */
export type TrainerChoice = Pick<RunConfig, 'standardize' | 'model' | 'optimizer' | 'epochs' | 'batchSize' | 'lrSchedule' | 'earlyStopping'> & {
  features: string[];
};

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

function sameSchedule(a?: LrSchedule, b?: LrSchedule): boolean {
  if (!a || !b) return !a && !b;
  if (a.type !== b.type) return false;
  if (a.type === 'step' && b.type === 'step') return a.stepSize === b.stepSize && near(a.gamma, b.gamma);
  if (a.type === 'plateau' && b.type === 'plateau') return a.patience === b.patience && near(a.factor, b.factor) && near(a.minLr ?? 0, b.minLr ?? 0);
  return false;
}

function sameStopping(a?: EarlyStopping, b?: EarlyStopping): boolean {
  if (!a || !b) return !a && !b;
  return a.patience === b.patience && (a.restoreBest !== false) === (b.restoreBest !== false);
}

export function sameConfiguration(c: TrainerChoice, r: RunConfig, featureSets: Record<string, string[]>): boolean {
  const fs = featureSets[r.featureSet];
  if (!fs || !sameSet(c.features, fs)) return false;
  if (c.standardize !== r.standardize) return false;
  const m = c.model, rm = r.model;
  if (m.activation !== rm.activation || m.hidden.length !== rm.hidden.length || m.hidden.some((h, i) => h !== rm.hidden[i])) return false;
  if (!near(m.dropout ?? 0, rm.dropout ?? 0)) return false;
  const o = c.optimizer, ro = r.optimizer;
  if (o.type !== ro.type || !near(o.lr, ro.lr) || !near(o.momentum ?? 0, ro.momentum ?? 0) || !near(o.weightDecay ?? 0, ro.weightDecay ?? 0)) return false;
  if (c.epochs !== r.epochs || c.batchSize !== r.batchSize) return false;
  return sameSchedule(c.lrSchedule, r.lrSchedule) && sameStopping(c.earlyStopping, r.earlyStopping);
}

/** The first precomputed run with exactly this configuration, or null. */
export function matchingRun(c: TrainerChoice, runs: RunConfig[], featureSets: Record<string, string[]>): RunConfig | null {
  return runs.find((r) => sameConfiguration(c, r, featureSets)) ?? null;
}

/** The configuration of a run as the trainer's controls express it (to preset the controls). */
export function choiceOfRun(r: RunConfig, featureSets: Record<string, string[]>): TrainerChoice {
  return {
    features: [...featureSets[r.featureSet]], standardize: r.standardize, model: { ...r.model, hidden: [...r.model.hidden] },
    optimizer: { ...r.optimizer }, epochs: r.epochs, batchSize: r.batchSize, lrSchedule: r.lrSchedule, earlyStopping: r.earlyStopping,
  };
}

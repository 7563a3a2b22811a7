import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { matchingRun, choiceOfRun } from '../../core/run-match';
import type { DatasetConfig } from '../../core/schema';

const ds = JSON.parse(readFileSync('content/datasets/ww-vs-tt-sim.json', 'utf8')) as DatasetConfig;

describe('matching the trainer configuration to a precomputed run', () => {
  it('every run is matched by its own configuration, and by no other run', () => {
    for (const r of ds.runs) expect(matchingRun(choiceOfRun(r, ds.featureSets), ds.runs, ds.featureSets)?.id).toBe(r.id);
  });
  it('feature order does not matter; any other change breaks the match', () => {
    const r12 = ds.runs.find((r) => r.id === 'r12-f5-notebook')!;
    const c = choiceOfRun(r12, ds.featureSets);
    expect(matchingRun({ ...c, features: [...c.features].reverse() }, ds.runs, ds.featureSets)?.id).toBe(r12.id);
    const changes = [
      { ...c, features: c.features.slice(1) },
      { ...c, standardize: false },
      { ...c, model: { ...c.model, hidden: [100, 40] } },
      { ...c, model: { ...c.model, activation: 'relu' as const } },
      { ...c, model: { ...c.model, dropout: 0.1 } },
      { ...c, optimizer: { ...c.optimizer, lr: 0.11 } },
      { ...c, optimizer: { ...c.optimizer, momentum: 0 } },
      { ...c, optimizer: { ...c.optimizer, weightDecay: 0.001 } },
      { ...c, epochs: 49 },
      { ...c, batchSize: 64 },
      { ...c, earlyStopping: { patience: 5 } },
      { ...c, lrSchedule: { type: 'plateau' as const, factor: 0.5, patience: 2 } },
    ];
    for (const x of changes) expect(matchingRun(x, ds.runs, ds.featureSets)).toBeNull();
  });
});

/** Messages between the chapter 7 trainer and its Web Worker. */
import type { TrainerChoice } from '../../../core/run-match';
import type { EpochLog, TrainStatus } from '../../../core/train';
import type { ClassificationReport, ScoreHistograms } from '../../../core/metrics';

export interface TrainJob {
  type: 'train';
  runId: number;
  wasmBaseUrl: string;
  /** Raw sample events, row-major, `columns.length` values per row. */
  x: Float32Array;
  columns: string[];
  labels: Float32Array;
  choice: TrainerChoice;
  fractions: { train: number; val: number; test: number };
  seed: number;
}

export type ToWorker = TrainJob | { type: 'stop'; runId: number } | { type: 'memory' };

export interface TrainOutcome {
  status: TrainStatus;
  message: string;
  history: EpochLog[];
  bestEpoch: number;
  sizes: { train: number; val: number; test: number };
  test: ClassificationReport;
  auc: number;
  roc: { fpr: number[]; tpr: number[] };
  histograms: { train: ScoreHistograms; test: ScoreHistograms };
  seconds: number;
  samplesPerSecond: number;
}

export type FromWorker =
  | { type: 'backend'; backend: string; note?: string }
  | { type: 'start'; runId: number; sizes: { train: number; val: number; test: number }; numTensors: number }
  | { type: 'epoch'; runId: number; log: EpochLog; numTensors: number }
  | { type: 'batch'; runId: number; epoch: number; batch: number; batches: number }
  | { type: 'done'; runId: number; outcome: TrainOutcome; numTensors: number }
  | { type: 'failed'; runId: number; message: string; numTensors: number }
  | { type: 'memory'; numTensors: number };

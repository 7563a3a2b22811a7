/** Messages between the chapter 2-4 widgets and their training worker. */
import type { PlainOptimizerName } from '../../../core/rprop';

export type Activation = 'relu' | 'tanh' | 'sigmoid';

export interface LinearJob {
  kind: 'linear';
  x: number[];
  y: number[];
  standardise: boolean;
  optimizer: PlainOptimizerName;
  lr: number;
  steps: number;
  seed: number;
}
export interface LogisticJob {
  kind: 'logistic';
  X: number[][];
  y: number[];
  /** 2 (sigmoid) or 3 (softmax). */
  K: number;
  lr: number;
  maxSteps: number;
}
export interface NetRegJob {
  kind: 'netreg';
  x: number[];
  y: number[];
  hidden: number;
  activation: Activation;
  optimizer: PlainOptimizerName;
  lr: number;
  epochs: number;
  seed: number;
  /** Where to draw the fitted curve. */
  grid: number[];
}
export interface NetClsJob {
  kind: 'netcls';
  /** Standardised inputs. */
  X: number[][];
  y: number[];
  K: number;
  hidden: number;
  lr: number;
  epochs: number;
  seed: number;
  /** Standardised grid points where the class probabilities are drawn. */
  grid: number[][];
}
export type Job = LinearJob | LogisticJob | NetRegJob | NetClsJob;

export type ToWorker =
  | { type: 'train'; runId: number; job: Job; wasmBaseUrl: string }
  | { type: 'stop'; runId: number }
  /** Linear trainer: forget the model and the optimiser; answer with the fresh model. */
  | { type: 'reset'; runId: number; job: LinearJob };

export type FromWorker =
  | { type: 'progress'; runId: number; steps: number; losses: number[];
      /** linear: [w, b] in raw units; logistic: coef rows then intercepts (flattened); net: curve or grid probabilities. */
      values: number[]; accuracy?: number; numTensors?: number }
  | { type: 'state'; runId: number; values: number[] }
  | { type: 'done'; runId: number; reason: 'finished' | 'stopped' | 'diverged' | 'converged'; message: string; values?: number[]; numTensors?: number }
  | { type: 'backend'; runId: number; backend: string; note?: string }
  | { type: 'failed'; runId: number; message: string };

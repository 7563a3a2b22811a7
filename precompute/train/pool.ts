/** A small pool of training worker threads; each takes the next run when it finishes one. */
import { Worker } from 'node:worker_threads';
import type { EpochLog, BatchProgress } from '../../core/train';
import type { BackendInfo, RunMetrics } from '../../core/schema';
import type { ConcreteBackend } from './backend';
import type { RunJob } from './run';

export type WorkerMessage =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'fatal'; error: string }
  | { type: 'epoch'; runId: string; log: EpochLog; epochs: number }
  | { type: 'batch'; runId: string; progress: BatchProgress }
  | { type: 'done'; runId: string; metrics: RunMetrics }
  | { type: 'failed'; runId: string; error: string };

export interface PoolEvents {
  onStart?: (runId: string, workerBackend: BackendInfo) => void;
  onEpoch?: (runId: string, log: EpochLog, epochs: number) => void;
  onBatch?: (runId: string, p: BatchProgress) => void;
  onDone?: (runId: string, m: RunMetrics) => void;
}

/** Trains all jobs on `size` workers; rejects on the first failure (after stopping the others). */
export async function runPool(jobs: RunJob[], size: number, backend: ConcreteBackend, ev: PoolEvents): Promise<RunMetrics[]> {
  const queue = [...jobs];
  const results: RunMetrics[] = [];
  const workers: Worker[] = [];
  let failed: Error | null = null;
  const n = Math.max(1, Math.min(size, jobs.length));
  const one = () => new Promise<void>((resolve, reject) => {
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { backend } });
    workers.push(w);
    let info: BackendInfo | null = null;
    let current: string | null = null;
    const next = () => {
      const job = failed ? undefined : queue.shift();
      if (!job) { void w.terminate(); resolve(); return; }
      current = job.config.id;
      ev.onStart?.(current, info!);
      w.postMessage({ type: 'run', job });
    };
    const fail = (e: Error) => {
      failed ??= e;
      for (const other of workers) void other.terminate();
      reject(e);
    };
    w.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'ready': info = m.backend; next(); break;
        case 'fatal': fail(new Error(m.error)); break;
        case 'epoch': ev.onEpoch?.(m.runId, m.log, m.epochs); break;
        case 'batch': ev.onBatch?.(m.runId, m.progress); break;
        case 'done': results.push(m.metrics); ev.onDone?.(m.runId, m.metrics); current = null; next(); break;
        case 'failed': fail(new Error(m.error)); break;
      }
    });
    w.on('error', (e) => fail(new Error(`a training worker crashed${current ? ` during run ${current}` : ''}: ${e.message}`)));
    w.on('exit', (code) => { if (code !== 0 && !failed && current) fail(new Error(`a training worker exited with code ${code} during run ${current}`)); });
  });
  await Promise.all(Array.from({ length: n }, one));
  return results;
}

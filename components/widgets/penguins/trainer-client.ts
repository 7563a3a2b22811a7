/** One training worker per widget: start a job, stop it, receive its messages. */
import type { FromWorker, Job, LinearJob } from './train-protocol';

export class TrainerClient {
  private worker: Worker;
  private runId = 0;
  /** The run in progress, or null. */
  active: number | null = null;

  constructor(private wasmBase: string, private onMessage: (m: FromWorker) => void) {
    this.worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.runId !== this.runId && m.type !== 'backend') return; // a stale run
      if (m.type === 'done' || m.type === 'failed') this.active = null;
      this.onMessage(m);
    };
    this.worker.onerror = (e) => this.onMessage({ type: 'failed', runId: this.runId, message: `The training worker could not start: ${e.message || 'unknown error'}` });
  }

  train(job: Job): number {
    this.runId++;
    this.active = this.runId;
    this.worker.postMessage({ type: 'train', runId: this.runId, job, wasmBaseUrl: new URL(this.wasmBase, location.href).href });
    return this.runId;
  }

  stop(): void {
    if (this.active !== null) this.worker.postMessage({ type: 'stop', runId: this.active });
  }

  /** Linear trainer only: a new model and a new optimiser. */
  reset(job: LinearJob): void {
    this.stop();
    this.runId++;
    this.active = null;
    this.worker.postMessage({ type: 'reset', runId: this.runId, job });
  }

  /** Forget any run in progress (its messages are ignored from now on). */
  forget(): void {
    this.stop();
    this.runId++;
    this.active = null;
  }
}

/**
 * A training worker: activates the backend chosen by the main thread (and
 * checks it really runs), then trains the runs it is sent one at a time,
 * reporting progress and results as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type ConcreteBackend } from './backend';
import { executeRun, type RunJob } from './run';
import type { WorkerMessage } from './pool';

const port = parentPort!;
const send = (m: WorkerMessage) => port.postMessage(m);

try {
  const b = await selectBackend((workerData as { backend: ConcreteBackend }).backend);
  send({ type: 'ready', backend: { requested: b.requested, name: b.name, device: b.device } });
} catch (e) {
  send({ type: 'fatal', error: (e as Error).message });
  process.exit(1);
}

port.on('message', async (msg: { type: 'run'; job: RunJob }) => {
  const { job } = msg;
  const id = job.config.id;
  let lastBatch = 0;
  try {
    const metrics = await executeRun(job, {
      onEpoch: (log) => send({ type: 'epoch', runId: id, log, epochs: job.epochs }),
      onBatch: (p) => {
        if (Date.now() - lastBatch < 500) return;
        lastBatch = Date.now();
        send({ type: 'batch', runId: id, progress: p });
      },
    });
    send({ type: 'done', runId: id, metrics });
  } catch (e) {
    send({ type: 'failed', runId: id, error: (e as Error).message });
  }
});

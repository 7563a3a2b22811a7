/**
 * Training throughput of the course's run-12 network (5 inputs, [100, 50]
 * sigmoid, SGD lr 0.1 momentum 0.9) at batch 32 and 1024, on every TF.js
 * backend that loads here. Uses the same training loop as the precompute.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../core/model';
import { trainClassifier, type TrainConfig } from '../../core/train';
import { createRng } from '../../core/rng';
import { selectBackend, type ConcreteBackend } from './backend';

export interface ThroughputRow {
  backend: ConcreteBackend;
  /** What ran, or why it could not. */
  device: string;
  loaded: boolean;
  /** Samples per wall-clock second, and per second of this process's CPU time (robust to a busy machine). */
  batch32: { wall: number; cpu: number } | null;
  batch1024: { wall: number; cpu: number } | null;
}

const NET: TrainConfig = {
  model: { hidden: [100, 50], activation: 'sigmoid' },
  optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
  epochs: 1,
  batchSize: 32,
  seed: 1,
};

function syntheticData(n: number, nf: number) {
  const rng = createRng(5);
  const x = new Float32Array(n * nf), y = new Float32Array(n);
  for (let i = 0; i < n; i++) { y[i] = rng.next() < 0.4 ? 1 : 0; for (let f = 0; f < nf; f++) x[i * nf + f] = rng.normal() + 0.5 * y[i]; }
  return { nFeatures: nf, xTrain: x, yTrain: y, xVal: x.subarray(0, 10 * nf), yVal: y.subarray(0, 10) };
}

/** Events per second for one batch size: a warm-up pass, then a timed pass of `events` samples. */
async function measure(batch: number, events: number): Promise<{ wall: number; cpu: number }> {
  const data = syntheticData(events, 5);
  const cfg = { ...NET, batchSize: batch };
  const warm = buildModel(NET.model, 5, 1);
  await trainClassifier(warm, { ...data, xTrain: data.xTrain.subarray(0, 5 * batch * 20), yTrain: data.yTrain.subarray(0, batch * 20) }, cfg);
  warm.dispose();
  const model = buildModel(NET.model, 5, 1);
  const c0 = process.cpuUsage();
  const r = await trainClassifier(model, data, cfg);
  const c = process.cpuUsage(c0);
  model.dispose();
  const samples = r.history.length * events;
  return { wall: r.samplesPerSecond, cpu: samples / ((c.user + c.system) / 1e6) };
}

export async function benchTraining(backends: ConcreteBackend[], log: (s: string) => void, events32 = 32768, events1024 = 262144): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const b of backends) {
    try {
      const info = await selectBackend(b);
      log(`  ${b}: ${info.name} on ${info.device}`);
      const b32 = await measure(32, events32);
      const fmt = (m: { wall: number; cpu: number }) => `${Math.round(m.wall).toLocaleString('en-US')} samples/s (${Math.round(m.cpu).toLocaleString('en-US')} per CPU-second)`;
      log(`    batch 32:   ${fmt(b32)}`);
      const b1024 = await measure(1024, events1024);
      log(`    batch 1024: ${fmt(b1024)}`);
      rows.push({ backend: b, device: info.device, loaded: true, batch32: b32, batch1024: b1024 });
    } catch (e) {
      const why = (e as Error).message.split('\n')[0];
      log(`  ${b}: not available (${why})`);
      rows.push({ backend: b, device: why, loaded: false, batch32: null, batch1024: null });
    }
  }
  // Leave the process on a working backend for whatever runs next.
  await tf.setBackend('cpu');
  return rows;
}

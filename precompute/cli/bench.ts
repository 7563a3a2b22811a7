/**
 * npm run bench -- [--backends node-gpu,node,wasm,cpu] [--file data/ww-vs-tt-sim.h5]
 *
 * Prints the figures the README quotes: how fast the event file is read and
 * how fast the course's run-12 network trains on each TF.js backend.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { benchTraining } from '../train/bench-training';
import { BACKEND_CHOICES, type ConcreteBackend } from '../train/backend';
import { readEventFile } from '../data/read';
import { benchThreshold } from '../../bench/threshold';

async function main() {
  const { values } = parseArgs({
    options: { backends: { type: 'string', default: 'node-gpu,node,wasm,cpu' }, file: { type: 'string', default: 'data/ww-vs-tt-sim.h5' } },
  });
  const backends = values.backends!.split(',').map((s) => s.trim()).filter(Boolean) as ConcreteBackend[];
  const bad = backends.find((b) => !BACKEND_CHOICES.includes(b) || (b as string) === 'auto');
  if (bad) {
    console.error(`--backends: "${bad}" is not a backend.\nWhat to do: list some of node-gpu, node, wasm, cpu, separated by commas.`);
    process.exit(1);
  }

  console.log('HDF5 read (h5wasm, all columns of both classes):');
  if (existsSync(values.file!)) {
    // The first read also compiles h5wasm's WebAssembly; the next ones are what a read costs.
    const times: { wall: number; cpu: number }[] = [];
    let events = 0, columns = 0;
    for (let k = 0; k < 4; k++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      const r = await readEventFile(values.file!);
      const c = process.cpuUsage(c0);
      times.push({ wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 });
      events = r.table.signal.count + r.table.background.count;
      columns = r.table.features.length;
    }
    const warm = times.slice(1).sort((a, b) => a.wall - b.wall)[1];
    console.log(`  ${values.file}: ${events.toLocaleString('en-US')} events x ${columns} columns: first read ${times[0].wall.toFixed(2)} s; `
      + `then ${warm.wall.toFixed(2)} s (median of 3; ${warm.cpu.toFixed(2)} s CPU), ${Math.round(events / warm.wall).toLocaleString('en-US')} events/s`);
  } else {
    console.log(`  skipped: ${values.file} does not exist (run \`npm run data:generate\` first)`);
  }

  console.log('Training throughput, run-12 network (5 inputs, [100,50] sigmoid, SGD momentum), same loop as the precompute:');
  await benchTraining(backends, (l) => console.log(l));

  await benchThreshold((l) => console.log(l));
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exit(1);
});

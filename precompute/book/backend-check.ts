/**
 * `tsx precompute/book/backend-check.ts CHOICE`: loads a TF.js backend in a process of its
 * own and prints what ran as JSON ({name, device, skipped}). `npm run book` checks the
 * backend this way before it writes anything, so that its own process does not hold the GPU
 * (TensorFlow reserves most of its memory) while the precompute trains in another.
 * A backend that cannot run is reported like any training command's error: message, exit 1.
 */
import { selectBackend, type BackendChoice } from '../train/backend';
import { runTrainingCli } from '../cli/args';

runTrainingCli('backend check', async () => {
  const b = await selectBackend(process.argv[2] as BackendChoice);
  process.stdout.write(`${JSON.stringify({ name: b.name, device: b.device, skipped: b.skipped })}\n`);
});

/**
 * `tsx tests/unit/helpers/write-events.ts OUT N`: writes an event file with N
 * events per class through writeEventFile, as data:generate does, for tests that
 * interrupt the writing or make it fail. Errors are printed as the CLIs print them.
 */
import { COURSE_FEATURES, type EventClass } from '../../../core/events';
import { writeEventFile } from '../../../precompute/data/write';
import { runCli } from '../../../precompute/cli/args';

await runCli('Usage: tsx tests/unit/helpers/write-events.ts OUT N', async () => {
  const [out, n] = process.argv.slice(2);
  const count = Number(n);
  const cls = (key: string): EventClass => ({
    key, count, columns: Object.fromEntries(COURSE_FEATURES.map((f, k) => [f, new Float64Array(count).fill(k)])),
  });
  await writeEventFile(out, [...COURSE_FEATURES], { Signal: cls('Signal'), Background: cls('Background') });
  console.log(`wrote ${out}`);
});

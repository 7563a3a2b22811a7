/**
 * Options that `npm run book` and `npm run precompute` share: the profile's description
 * (built from the constants the precompute uses, so the help cannot drift from what runs)
 * and --jobs (checked, and clamped to the CPU cores there are).
 */
import { availableParallelism } from 'node:os';
import { PrecomputeError } from '../train/errors';
import { QUICK_FRACTION, QUICK_MAX_EPOCHS, QUICK_MIN_EVENTS } from '../train/prepare';

const int = (n: number) => n.toLocaleString('en-US');

/** What the two profiles train, in one sentence each. */
export function profileDescription(): { quick: string; full: string } {
  return {
    quick: `${Math.round(QUICK_FRACTION * 100)}% of the events, stratified (at least ${int(QUICK_MIN_EVENTS)}, or all of a smaller file), `
      + `and at most ${QUICK_MAX_EPOCHS} epochs per mini-batch run; full-batch runs keep all their epochs`,
    full: 'every event and every epoch as configured',
  };
}

/** The error for a --profile that is neither quick nor full. */
export function profileError(value: string): PrecomputeError {
  const d = profileDescription();
  return new PrecomputeError('--profile', `"${value}" is not a profile.`, `use --profile quick: ${d.quick}. Or --profile full: ${d.full}.`);
}

/**
 * node:util parseArgs reads `--jobs -2` as an option without its value and answers with a
 * riddle about ambiguity; joined as `--jobs=-2` the value reaches checkJobs, which explains.
 */
export function joinNegativeValues(argv: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (names.includes(argv[i]) && i + 1 < argv.length && /^-[\d.]/.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/**
 * --jobs N: a whole number of at least 1. More threads than CPU cores only compete for the
 * cores (and the estimate would divide the work among threads that never run in parallel),
 * so N is clamped to the cores, with a note saying so.
 */
export function checkJobs(value: string, cores = availableParallelism()): { jobs: number; note?: string } {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new PrecomputeError('--jobs', `${value.trim() === '' ? 'the value is empty' : `"${value}" is not a number of worker threads`}: it must be a whole number of at least 1.`,
      `pass a whole number from 1 to ${cores} (the CPU cores here), e.g. --jobs ${cores}, or leave --jobs out for one thread per core.`);
  }
  if (n > cores) {
    return {
      jobs: cores,
      note: `--jobs ${value}: this machine has ${cores} CPU core${cores === 1 ? '' : 's'}, so ${cores} worker thread${cores === 1 ? '' : 's'} will train `
        + '(more threads than cores would only take turns on them).',
    };
  }
  return { jobs: n };
}

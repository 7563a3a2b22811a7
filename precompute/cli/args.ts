/**
 * Small shared helpers for the command-line tools: argument parsing with
 * clear usage errors, and running a main function so that expected problems
 * (DataError, UsageError) print their message alone and exit non-zero, with no
 * stack trace.
 */
import { DataError } from '../data/errors';
import { PrecomputeError } from '../train/errors';

export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/**
 * Parses `--name value`, `--name=value` and bare `--flag` (names listed in `flags`).
 * Unknown options are usage errors.
 */
export function parseArgs(argv: string[], valued: string[], flags: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, options };
}

export function numberOption(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  // Number('') and Number(' ') are 0: an empty value must not pass as zero.
  const n = v === true || v.trim() === '' ? NaN : Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${v === true ? '' : v}")`);
  return n;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return v === undefined || v === true ? undefined : v;
}

/** Runs `main`; DataError/UsageError → message on stderr and exit 1/2, anything else → stack and exit 1. */
export async function runCli(usage: string, main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (e) {
    if (e instanceof DataError) {
      process.stderr.write(`\n${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    }
  }
}

/**
 * Runs the main of a command that trains (precompute, book) and exits explicitly, since
 * worker threads and the TF.js backend may otherwise keep Node alive. Problems a person
 * must fix (PrecomputeError, DataError) print their message alone; anything else is a
 * bug and says which command failed (DEBUG=1 adds the stack).
 */
export function runTrainingCli(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      if (e instanceof PrecomputeError || e instanceof DataError) {
        console.error(`\n${e.message}`);
      } else {
        console.error(`\n${name} failed: ${(e as Error)?.message ?? e}`);
        if (process.env.DEBUG) console.error((e as Error)?.stack);
      }
      process.exit(1);
    },
  );
}

/**
 * Errors the precompute reports to a person: the command prints `message`
 * alone (no stack trace) and exits non-zero. The message names the file or
 * setting, the problem, and what to do.
 */
export class PrecomputeError extends Error {
  constructor(where: string, problem: string, todo: string) {
    super(`${where}: ${problem}\nWhat to do: ${todo}`);
    this.name = 'PrecomputeError';
  }
}

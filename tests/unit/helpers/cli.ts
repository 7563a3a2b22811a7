/**
 * Runs a command-line tool as `npm run` does (tsx), collecting its output, for
 * tests of the messages and exit codes people see.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../../..');
export const TSX = join(REPO, 'node_modules/.bin/tsx');

export interface CliResult { code: number | null; out: string; err: string }

export interface CliOptions {
  /**
   * Run as an ordinary user (nobody), so that permissions apply: root may read
   * and write anything. Folders it must use need to be world-accessible.
   */
  unprivileged?: boolean;
  /** `ulimit -f` in KiB: writing past it fails with EFBIG, as a full disk fails with ENOSPC. */
  fileSizeLimitKiB?: number;
  /** Called with the child once it runs (to send it a signal). */
  started?: (kill: (signal: NodeJS.Signals) => void) => void;
}

/** `tsx SCRIPT ARGS...` from the repository root. */
export function runCli(script: string, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const root = process.getuid?.() === 0;
  const command = opts.fileSizeLimitKiB ? '/bin/sh' : TSX;
  const argv = opts.fileSizeLimitKiB
    ? ['-c', `ulimit -f ${opts.fileSizeLimitKiB} && exec "$0" "$@"`, TSX, join(REPO, script), ...args]
    : [join(REPO, script), ...args];
  return new Promise((done) => {
    const child = spawn(command, argv, {
      cwd: REPO,
      ...(opts.unprivileged && root ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => done({ code, out, err }));
    opts.started?.((signal) => child.kill(signal));
  });
}

/** Makes `dir` usable by the unprivileged user of runCli (mkdtemp makes it 0700). */
export function shareDir(dir: string): void {
  chmodSync(dir, 0o755);
}

/** Files in `dir` left by an interrupted or failed write. */
export function partialFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.partial-'));
}

/** No stack trace and no HDF5 diagnostic dump in a message. */
export const STACK_OR_DUMP = /\n\s+at .+:\d+:\d+|HDF5-DIAG/;

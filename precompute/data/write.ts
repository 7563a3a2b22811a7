/**
 * Writes event tables in the course's layout: one 1-D compound dataset per
 * class, float64 members and integer-valued columns (Njets) as int64, as
 * h5py/pandas write them, so `pd.DataFrame(h5py.File(f)['Signal'][:])` reads it.
 * The file appears atomically (written under a temporary name, then renamed);
 * on any failure, and on Ctrl-C while writing, the temporary file is removed.
 * HDF5 runs on a worker thread (write-worker.ts) so that Ctrl-C is handled at once.
 */
import { type Stats, accessSync, constants, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventClass } from '../../core/events';
import { DataError } from './errors';
import { hdf5Reason } from './h5';
import type { WriteJob, WriteReply } from './write-worker';

export interface WriteOptions {
  /** Columns stored as int64 (default: Njets). */
  integerColumns?: string[];
  /** File attributes (provenance: generator version, seed, options). */
  attrs?: Record<string, string | number>;
}

const OTHER_PATH = 'choose another output path (e.g. `--out data/events.h5`).';

/** What a file-system error means for a person, by Node's code or by the C library's text that HDF5 quotes. */
const IO_PROBLEMS: { code: string[]; text: RegExp; problem: string; todo: (mib: string) => string }[] = [
  { code: ['EACCES', 'EPERM'], text: /permission denied|operation not permitted/i, problem: 'permission denied',
    todo: () => 'write to a folder you may write to, such as data/ in the repository (the default), or change the folder\'s permissions.' },
  { code: ['ENOSPC'], text: /no space left/i, problem: 'the disk is full',
    todo: (mib) => `free some space (the file needs about ${mib} MiB) or write to another disk; ${OTHER_PATH}` },
  { code: ['EDQUOT'], text: /quota/i, problem: 'your disk quota is used up',
    todo: (mib) => `free some space in your quota (the file needs about ${mib} MiB) or write to another disk; ${OTHER_PATH}` },
  { code: ['EFBIG'], text: /file too large/i, problem: 'the file is larger than this system or your limits allow (ulimit -f)',
    todo: (mib) => `the file needs about ${mib} MiB: raise the limit, write to another disk, or make fewer events.` },
  { code: ['EROFS'], text: /read-only file system/i, problem: 'the file system is read-only', todo: () => OTHER_PATH },
  { code: ['EISDIR'], text: /is a directory/i, problem: 'it is a directory', todo: () => `give a file name, not a folder; ${OTHER_PATH}` },
  { code: ['ENOTDIR', 'EEXIST'], text: /not a directory|file exists/i, problem: 'a part of the path is a file, not a folder', todo: () => OTHER_PATH },
  { code: ['ENAMETOOLONG'], text: /name too long/i, problem: 'the file name is too long', todo: () => `use a shorter name; ${OTHER_PATH}` },
  { code: ['ENOENT'], text: /no such file or directory/i, problem: 'its folder does not exist', todo: () => OTHER_PATH },
  { code: ['EIO'], text: /input\/output error/i, problem: 'the disk reported an input/output error',
    todo: () => `check the disk (or the network drive), or ${OTHER_PATH}` },
];

/**
 * What a failed file-system call means, in words, and what to do. Node's errors
 * carry a code; HDF5's are a multi-screen diagnostic that quotes the C library's
 * message ("error message = 'No space left on device'"), which is all a person needs.
 */
function ioProblem(e: unknown, bytes: number): { problem: string; todo: string } {
  const code = String((e as NodeJS.ErrnoException)?.code ?? '');
  const text = String((e as Error)?.message ?? e);
  const quoted = /error message = '([^']*)'/.exec(text)?.[1];
  const mib = (bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0);
  const known = IO_PROBLEMS.find((p) => p.code.includes(code) || (quoted !== undefined && p.text.test(quoted)));
  if (known) return { problem: known.problem, todo: known.todo(mib) };
  return { problem: quoted ?? (text.includes('HDF5') ? `HDF5 failed: ${hdf5Reason(e)}` : text.split('\n')[0]), todo: OTHER_PATH };
}

/** The DataError for a failed write of `file` (`bytes`: the data's size, for "the file needs about N MiB"). */
export function writeError(file: string, e: unknown, bytes = 0): DataError {
  if (e instanceof DataError) return e;
  const { problem, todo } = ioProblem(e, bytes);
  return new DataError('unwritable', file, `${problem}.`, [], todo);
}

function describeNonFile(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** stat, or null when nothing is there (ENOENT, or a file where a folder should be: ENOTDIR). */
function statIfExists(file: string, path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw writeError(file, e);
  }
}

/** Refuses an existing target that is not a regular file: the rename would replace a directory's name, a FIFO or a device. */
function refuseNonFile(path: string): void {
  const st = statIfExists(path, path);
  if (st && !st.isFile()) {
    throw new DataError('unwritable', path, `it is ${describeNonFile(st)}, not a regular file, and writing would replace it.`, [],
      'give the path of a new .h5 file, or of an existing one to replace (e.g. `--out data/events.h5`).');
  }
}

/**
 * Checks that an event file can be written at `path`, before the long work that
 * makes its contents (data:generate simulates first): the path names a file,
 * not a folder; an existing target is a regular file; the folder exists or can
 * be created, and is writable. Throws a DataError naming the problem.
 */
export function checkOutputPath(path: string): void {
  const fail = (problem: string, todo: string): never => { throw new DataError('unwritable', path, problem, [], todo); };
  if (path.trim() === '') fail('the output path is empty.', 'give a file name, e.g. `--out data/events.h5`.');
  if (/[/\\]$/.test(path)) fail('the path ends with a slash, so it names a folder, not a file.', `give a file name inside it, e.g. \`--out ${path}events.h5\`.`);
  refuseNonFile(path);
  const parent = resolve(dirname(path));
  // The nearest folder that exists: it must be a folder, and writable, to create the rest and the file.
  let dir = parent;
  let st = statIfExists(path, dir);
  while (!st && dirname(dir) !== dir) {
    dir = dirname(dir);
    st = statIfExists(path, dir);
  }
  if (!st) fail(`no part of its folder ${parent} exists.`, OTHER_PATH);
  if (!st!.isDirectory()) fail(`${dir} is ${st!.isFile() ? 'a file' : describeNonFile(st!)}, not a folder.`, OTHER_PATH);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const { problem, todo } = ioProblem(e, 0);
    fail(`${dir === parent ? `cannot create files in ${dir}` : `the folder ${parent} does not exist and cannot be created in ${dir}`}: ${problem}.`, todo);
  }
}

export async function writeEventFile(
  path: string, features: string[], classes: Record<string, EventClass>, opts: WriteOptions = {},
): Promise<void> {
  checkOutputPath(path);
  const bytes = Object.values(classes).reduce((n, c) => n + 8 * c.count * features.length, 0);
  const tmp = `${path}.partial-${process.pid}`;
  const job: WriteJob = {
    tmp, features, integerColumns: opts.integerColumns ?? ['Njets'], attrs: opts.attrs ?? {},
    classes: Object.entries(classes).map(([name, c]) => ({
      name, count: c.count,
      // Only the rows in use (a column may be longer than count); the worker gets a copy.
      columns: Object.fromEntries(features.map((f) => [f, c.columns[f].length === c.count ? c.columns[f] : c.columns[f].slice(0, c.count)])),
    })),
  };
  let worker: Worker | null = null;
  // Ctrl-C or a kill while writing: stop the writer, leave no partial file, and exit as the signal would have (128 + 2 or 15).
  const onSignal = async (signal: NodeJS.Signals) => {
    await worker?.terminate(); // first, so that it cannot create the file after the removal
    rmSync(tmp, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    mkdirSync(dirname(path) || '.', { recursive: true });
    rmSync(tmp, { force: true });
    const reply = await new Promise<WriteReply>((done, fail) => {
      const w = new Worker(new URL('./write-worker-boot.mjs', import.meta.url), { workerData: job });
      worker = w;
      w.once('message', done);
      w.once('error', fail);
      w.once('exit', (code) => fail(new Error(`the HDF5 writer stopped before finishing (exit code ${code})`)));
    });
    if (!reply.ok) throw Object.assign(new Error(reply.message), { code: reply.code });
    refuseNonFile(path); // something may have appeared at the target meanwhile
    renameSync(tmp, path);
  } catch (e) {
    await (worker as Worker | null)?.terminate();
    rmSync(tmp, { force: true });
    // Only file-system and HDF5 failures are about writing; anything else is a bug to show as it is.
    const io = e instanceof DataError || typeof (e as NodeJS.ErrnoException)?.code === 'string' || String((e as Error)?.message).includes('HDF5');
    throw io ? writeError(path, e, bytes) : e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

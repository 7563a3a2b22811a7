/**
 * Every kind of bad input gives a message that names the file, the problem and
 * what to do, from the reader and from `npm run data:inspect` (non-zero exit, no
 * stack trace). NaN/±Inf are dropped and reported by default.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../precompute/data/errors';
import { readEventFile } from '../../precompute/data/read';
import { STACK_OR_DUMP, runCli, shareDir } from './helpers/cli';
import { type BadInput, makeBadInputs, tempDir } from './helpers/event-files';

const repo = resolve(__dirname, '../..');
const tsx = join(repo, 'node_modules/.bin/tsx');

let tmp: ReturnType<typeof tempDir>;
let inputs: BadInput[];

beforeAll(async () => {
  tmp = tempDir('nn4hep-bad-');
  inputs = await makeBadInputs(tmp.dir);
});
afterAll(() => tmp?.cleanup());

function inspect(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(tsx, [join(repo, 'precompute/cli/inspect.ts'), ...args], { cwd: repo });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('bad input files', () => {
  it('covers every kind the issue lists', () => {
    const kinds = new Set(inputs.map((i) => i.kind));
    for (const k of ['not-hdf5', 'empty', 'truncated', 'class-missing', 'same-table', 'feature-missing', 'non-numeric', 'non-finite', 'no-events', 'unsupported-filter']) {
      expect(kinds, k).toContain(k);
    }
  });

  it('the reader throws a DataError naming the file, the problem and what to do', async () => {
    for (const input of inputs) {
      let error: unknown;
      try {
        await readEventFile(input.path, input.options);
      } catch (e) {
        error = e;
      }
      expect(error, input.what).toBeInstanceOf(DataError);
      const e = error as DataError;
      expect(e.kind, input.what).toBe(input.kind);
      expect(e.message, input.what).toContain(`Cannot use ${input.path}:`);
      expect(e.message, input.what).toContain('What to do:');
      for (const s of input.says) expect(e.message, input.what).toContain(s);
    }
  });

  it('npm run data:inspect prints the message without a stack trace and exits non-zero', async () => {
    const results = await Promise.all(inputs.map((i) => inspect([i.path, ...(i.cliArgs ?? [])])));
    results.forEach((r, k) => {
      const input = inputs[k];
      expect(r.code, `${input.what}: ${r.err}`).toBe(1);
      expect(r.err, input.what).toContain(`Cannot use ${input.path}:`);
      for (const s of input.says) expect(r.err, input.what).toContain(s);
      expect(r.err, input.what).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(r.err, input.what).not.toContain('HDF5-DIAG');
    });
  });

  it('a missing file and a usage error are explained too', async () => {
    await expect(readEventFile(join(tmp.dir, 'nope.h5'))).rejects.toThrow(/does not exist[\s\S]*npm run data:generate/);
    const usage = await inspect([]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage: npm run data:inspect');
  });
});

describe('files that cannot be read', () => {
  it('the same table for both classes is refused by inspect too, whichever way its key is written', async () => {
    const course = inputs.find((i) => i.kind === 'same-table')!.path;
    const r = await inspect([course, '--signal', 'Signal', '--background', 'Signal']);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain(`Cannot use ${course}: the signal and the background class both use "Signal".`);
    expect(r.err).toContain('What to do: give each class its own table');
    expect(r.err).not.toMatch(STACK_OR_DUMP);
  });

  it('a file without read permission: "Cannot read FILE: permission denied", no stack trace (as an ordinary user)', async () => {
    shareDir(tmp.dir);
    const locked = join(tmp.dir, 'locked.h5');
    copyFileSync(inputs.find((i) => i.kind === 'same-table')!.path, locked);
    chmodSync(locked, 0o000);
    const r = await runCli('precompute/cli/inspect.ts', [locked], { unprivileged: true });
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain(`Cannot read ${locked}: permission denied.`);
    expect(r.err).toContain(`What to do: make it readable (\`chmod a+r ${locked}\``);
    expect(r.err).not.toMatch(STACK_OR_DUMP);
  });

  it('a named pipe is refused instead of waiting for a writer forever', async () => {
    const fifo = join(tmp.dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await inspect([fifo]);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain(`Cannot read ${fifo}: it is not a regular file`);
  });
});

describe('NaN and ±Inf', () => {
  it('by default drops the events that have them and reports how many per column', async () => {
    const nan = inputs.find((i) => i.kind === 'non-finite')!;
    const r = await readEventFile(nan.path);
    expect(r.table.signal.count).toBe(48);
    expect(r.table.background.count).toBe(69);
    expect(r.nonFinite.signal).toEqual({ dropped: 2, perColumn: { HT_all: 2, MissingEnergy: 1 } });
    expect(r.nonFinite.background).toEqual({ dropped: 1, perColumn: { lepton0_px: 1 } });
    expect(r.warnings.join('\n')).toContain('Dropped 2 signal and 1 background events with NaN or ±Inf values');
    for (const f of r.table.features) {
      for (const c of [r.table.signal, r.table.background]) expect(c.columns[f].every(Number.isFinite)).toBe(true);
    }
  });

  it('inspect shows the missing counts, says they would be dropped, and exits 0', async () => {
    const nan = inputs.find((i) => i.kind === 'non-finite')!;
    const r = await inspect([nan.path]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/HT_all\s+float64.*\s2\n/);
    expect(r.out).toContain('drops those events');
  });
});

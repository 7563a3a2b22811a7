/**
 * npm run book -- --data PATH.h5 [--id NAME] [--title TEXT] [--signal KEY --background KEY]
 *                 [--features a,b,c] [--profile quick|full] [--backend auto|node-gpu|node|wasm|cpu]
 *                 [--jobs N] [--template FILE] [--dry-run] [--shard i/n] [--no-build]
 *
 * Rebuilds the book from an instructor's HDF5 file: validates it (precompute/data), writes
 * content/datasets/<id>.json (precompute/book/dataset-config.ts), trains the runs
 * (npm run precompute), makes it the book's dataset (content/book.json) and builds the
 * site (npm run build). --dry-run only validates and prints what would be trained, the
 * events per split and a time estimate from a short measured burst; it writes nothing.
 * --shard i/n trains one share of the runs for a batch job array (then
 * `npm run precompute -- merge`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openEventFile, readEventFile } from '../data/read';
import { BACKEND_CHOICES, selectBackend, type BackendChoice } from '../train/backend';
import { PrecomputeError } from '../train/errors';
import { runTrainingCli } from './args';
import { writeFileAtomic } from '../train/assets';
import { neededFeatures } from '../train/data';
import { formatDuration } from '../train/progress';
import { checkId, deriveConfig, idFromFileName, loadTemplate, parseShard, shardRuns, TEMPLATE_PATH } from '../book/dataset-config';
import { estimateRuns, splitProblem, splitSizes } from '../book/estimate';
import { shardOutDir } from '../book/merge';
import { checkJobs, joinNegativeValues, profileError } from './training-options';
import { snapshot } from '../book/rollback';

const USAGE = `usage: npm run book -- --data PATH.h5 [--id NAME] [--title TEXT] [--signal KEY --background KEY] [--features a,b,c]
                    [--profile quick|full] [--backend ${BACKEND_CHOICES.join('|')}] [--jobs N] [--template FILE]
                    [--dry-run] [--shard i/n] [--no-build]`;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const int = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${int(n)} ${word}${n === 1 ? '' : 's'}`;

/** A signal (Ctrl-C, a batch system's SIGTERM) that arrived while a step ran. */
let interrupted: NodeJS.Signals | null = null;

function step(title: string, cmd: string, args: string[], todo: string): void {
  console.log(`\n▶ ${title}\n  $ ${[cmd === tsx ? 'tsx' : cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.signal || interrupted) {
    throw new PrecomputeError('npm run book', `${title} was interrupted (${r.signal ?? interrupted}).`, todo);
  }
  if (r.status !== 0) throw new PrecomputeError('npm run book', `${title} failed (see the message above).`, todo);
}

/** A PrecomputeError another process printed: its message, unchanged. */
function relayed(message: string): PrecomputeError {
  const e = new PrecomputeError('', '', '');
  e.message = message.trim();
  return e;
}

/**
 * Loads the backend in a short child process (see precompute/book/backend-check.ts), so a
 * backend that cannot run stops the command before anything is written.
 */
function checkBackend(choice: BackendChoice): { name: string; device: string; skipped: string[] } {
  const r = spawnSync(tsx, [join(repo, 'precompute/book/backend-check.ts'), choice], { encoding: 'utf8', env: process.env });
  if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; device: string; skipped: string[] };
  throw relayed(r.stderr || `--backend ${choice}: the backend check did not finish (${r.signal ?? `exit ${r.status}`}).`);
}

/** content/book.json (or {} when there is none), read before anything is written: a broken one would fail after training. */
function readBookJson(root: string, path: string): Record<string, unknown> {
  if (!existsSync(join(root, path))) return {};
  let book: unknown;
  try {
    book = JSON.parse(readFileSync(join(root, path), 'utf8'));
  } catch (e) {
    throw new PrecomputeError(path, `it is not valid JSON (${(e as Error).message}).`, 'fix the syntax (it holds e.g. {"defaultDataset": "ww-vs-tt-sim"}) and run the same command again.');
  }
  if (typeof book !== 'object' || book === null || Array.isArray(book)) {
    throw new PrecomputeError(path, 'it is not a JSON object.', 'make it e.g. {"defaultDataset": "ww-vs-tt-sim"} and run the same command again.');
  }
  return book as Record<string, unknown>;
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      args: joinNegativeValues(process.argv.slice(2), ['--jobs']),
      options: {
        data: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, signal: { type: 'string' }, background: { type: 'string' },
        features: { type: 'string' }, profile: { type: 'string', default: 'quick' }, backend: { type: 'string', default: 'auto' },
        jobs: { type: 'string' }, template: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
        shard: { type: 'string' }, 'no-build': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    throw new PrecomputeError('npm run book', (e as Error).message, USAGE);
  }
  if (values.help) { console.log(USAGE); return; }
  if (!values.data) throw new PrecomputeError('npm run book', 'the HDF5 file is missing.', `pass it with --data PATH.h5.\n${USAGE}`);
  if (values.profile !== 'quick' && values.profile !== 'full') throw profileError(values.profile!);
  if (!BACKEND_CHOICES.includes(values.backend as BackendChoice)) {
    throw new PrecomputeError('--backend', `"${values.backend}" is not a backend.`, `use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  if (Boolean(values.signal) !== Boolean(values.background)) {
    throw new PrecomputeError(values.signal ? '--signal' : '--background', 'the class keys come in pairs.', 'pass both --signal KEY and --background KEY (or neither, for "Signal" and "Background").');
  }
  const jobsOption = values.jobs !== undefined ? checkJobs(values.jobs) : undefined;
  if (jobsOption?.note) console.log(`note: ${jobsOption.note}`);
  const jobs = jobsOption?.jobs;
  const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
  const profile = values.profile as 'quick' | 'full';
  const backendChoice = values.backend as BackendChoice;
  const root = process.cwd();
  const dataPath = resolve(values.data);
  const shown = relative(root, dataPath).startsWith('..') ? dataPath : relative(root, dataPath);
  const id = values.id ?? idFromFileName(dataPath);
  checkId(id);
  const configPath = join('content', 'datasets', `${id}.json`);
  const replacing = existsSync(join(root, configPath));
  if (replacing) {
    const old = JSON.parse(readFileSync(join(root, configPath), 'utf8')) as { generator?: unknown; source?: string };
    if (old.generator) {
      throw new PrecomputeError('--id', `"${id}" is the book's simulated dataset (${configPath} has a "generator" block).`, 'choose another id for your file, e.g. --id my-ww-vs-tt.');
    }
  }
  const template = loadTemplate(root, values.template ?? TEMPLATE_PATH);
  const classes = { signal: values.signal ?? template.classes.signal, background: values.background ?? template.classes.background };
  const requested = values.features?.split(',').map((s) => s.trim()).filter(Boolean);

  // 1. The file: HDF5, both class tables, the columns (the reader's checks and messages).
  console.log(`Checking ${shown} …`);
  const opened = await openEventFile(shown, { ...classes, features: requested });
  const columns = requested ? (await (async () => {
    const all = await openEventFile(shown, classes);
    all.h5.close();
    return all.features;
  })()) : opened.features;
  opened.h5.close();
  for (const w of opened.warnings) console.log(`note: ${w}`);

  const source = isAbsolute(relative(root, dataPath)) || relative(root, dataPath).startsWith('..') ? dataPath : relative(root, dataPath);
  const { config, notes } = deriveConfig({
    template, id, title: values.title ?? `${classes.signal} vs ${classes.background} from ${basename(dataPath)}`,
    source, fileLabel: shown, classes, columns, features: requested,
  });
  for (const n of notes) console.log(`note: ${n}`);

  // 2. Read every column the runs use: values, NaN/±Inf, event counts.
  const t0 = performance.now();
  const read = await readEventFile(shown, { ...classes, features: neededFeatures(config), nonFinite: 'drop' });
  for (const w of read.warnings) console.log(`note: ${w}`);
  const nSig = read.table.signal.count, nBkg = read.table.background.count;
  console.log(`${shown}: ${int(nSig)} signal ("${classes.signal}") + ${int(nBkg)} background ("${classes.background}") events, `
    + `${plural(read.table.features.length, 'column')} used (read in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // 3. What else can fail is checked before anything is written: the split, the backend.
  const sizes = splitSizes(nSig, nBkg, config, profile);
  console.log(`Events per split (${profile} profile${profile === 'quick' ? `, ${int(sizes.used)} of ${int(nSig + nBkg)} events` : ''}, seed ${config.split.seed}, stratified): `
    + `train ${int(sizes.train)}, validation ${int(sizes.val)}, test ${int(sizes.test)}`);
  const tooSmall = splitProblem(nSig, nBkg, config, profile, classes);
  if (tooSmall) throw new PrecomputeError(shown, tooSmall.problem, tooSmall.todo);

  const bookJson = join('content', 'book.json');
  const book = shard ? {} : readBookJson(root, bookJson);
  if (values['dry-run']) {
    await dryRun(config, sizes.train, profile, backendChoice, jobs, shard, replacing);
    return;
  }
  const backend = checkBackend(backendChoice);
  console.log(`Backend: ${backend.name} (${backend.device})${backend.skipped.length ? `; not available: ${backend.skipped.join('; ')}` : ''}`);

  // 4. The configuration, then the runs, then the book's default; if any of it fails, the
  //    book is put back as it was (a cached run stays cached for the next try).
  const outDir = shard ? join(shardOutDir(shard.index, shard.count), id) : join('public', 'precomputed', id);
  const before = snapshot(root, [configPath, bookJson], [outDir]);
  const onSignal = (sig: NodeJS.Signals) => { interrupted = sig; };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    writeFileAtomic(join(root, configPath), `${JSON.stringify(config, null, 2)}\n`);
    console.log(`${replacing ? 'replaced' : 'wrote'} ${configPath}`);
    const pre = ['--dataset', id, '--profile', profile, '--backend', backendChoice, ...(jobs ? ['--jobs', String(jobs)] : [])];
    const again = 'fix what it names and run the same command again: finished runs are cached.';
    if (shard) {
      step(`Training shard ${shard.index}/${shard.count} of "${id}" (${shardRuns(config, shard).join(', ')})`, tsx,
        [join(repo, 'precompute/cli/precompute.ts'), ...pre, '--shard', `${shard.index}/${shard.count}`], again);
      console.log(`\nShard ${shard.index}/${shard.count} is in ${outDir}. When every shard has finished:\n`
        + `  npm run precompute -- merge --dataset ${id}\n  npm run book -- --data ${values.data} --id ${id}${profile === 'full' ? ' --profile full' : ''}   (uses the merged runs, then builds)`);
      return;
    }
    step(`Training the runs of "${id}" (${profile} profile)`, tsx, [join(repo, 'precompute/cli/precompute.ts'), ...pre], again);
    writeFileAtomic(join(root, bookJson), `${JSON.stringify({ ...book, defaultDataset: id }, null, 2)}\n`);
    console.log(`content/book.json: the book's dataset is now "${id}"`);
  } catch (e) {
    const undone = before.restore();
    console.error(`\nThe book is as it was before this command${undone.length ? `: ${undone.join(', ')}` : ' (nothing had been written)'}.`);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (values['no-build']) {
    console.log('\n--no-build: build the site with `npm run build` (or `npm start` to build and serve it).');
    return;
  }
  step('Building the site', 'npm', ['run', 'build'],
    `fix what it names and run npm run build: "${id}" is trained and is the book's dataset, so only the site remains to be built.`);
  const out = process.env.NN4HEP_OUT_DIR || 'dist';
  console.log(`\nThe book is in ${out}/ with "${id}" as its dataset${process.env.NN4HEP_BASE ? `, for serving under ${process.env.NN4HEP_BASE}` : ''}. `
    + 'Serve it with `npm start`, or copy the folder to any web server.');
}

async function dryRun(config: ReturnType<typeof deriveConfig>['config'], trainEvents: number, profile: 'quick' | 'full',
  backendChoice: BackendChoice, jobs: number | undefined, shard: { index: number; count: number } | undefined, replacing: boolean): Promise<void> {
  const selected = shard ? new Set(shardRuns(config, shard)) : null;
  const runs = selected ? { ...config, runs: config.runs.filter((r) => selected.has(r.id)) } : config;
  const backend = await selectBackend(backendChoice);
  console.log(`Backend: ${backend.name} (${backend.device})${backend.skipped.length ? `; not available: ${backend.skipped.join('; ')}` : ''}`);
  console.log(`\nDry run: nothing is written. content/datasets/${config.id}.json would hold ${plural(config.runs.length, 'run')}, feature sets `
    + `${Object.entries(config.featureSets).map(([k, v]) => `${k} (${v.length}: ${v.join(', ')})`).join('; ')}.`);
  if (replacing) console.log(`content/datasets/${config.id}.json exists: it would be replaced (and the runs of "${config.id}" trained anew where its configuration changes).`);
  console.log(`Timing a short training burst of each network on ${backend.name} …`);
  const est = await estimateRuns(runs, trainEvents, profile, jobs);
  console.log(`\nRuns that would train${shard ? ` in shard ${shard.index}/${shard.count}` : ''}:`);
  const w = Math.max(...est.runs.map((r) => r.id.length));
  for (const r of est.runs) {
    console.log(`  ${r.id.padEnd(w)}  ${r.featureSet} (${plural(r.nFeatures, 'input')}), ${plural(r.epochs, 'epoch')}, batch ${int(r.batchSize)}: `
      + `~${int(Math.round(r.eventsPerSecond))} events/s → ${r.seconds < 1 ? '<1s' : `~${formatDuration(r.seconds)}`}`);
  }
  console.log(`\nEstimated training time: ~${formatDuration(est.wallSeconds)} on ${plural(est.jobs, 'worker thread')} `
    + `(sum over runs ${formatDuration(est.runs.reduce((a, r) => a + r.seconds, 0))}; measured in ${est.burstSeconds.toFixed(1)} s; `
    + 'evaluation, permutation importances and the site build come on top).');
  console.log(`Without --dry-run this ${replacing ? 'replaces' : 'writes'} content/datasets/${config.id}.json, trains into public/precomputed/${config.id}/, `
    + `makes "${config.id}" the book's dataset and builds the site.`);
}

runTrainingCli('npm run book', main);

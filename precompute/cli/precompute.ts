/**
 * npm run precompute -- [--dataset ID] [--profile quick|full] [--backend auto|node-gpu|node|wasm|cpu]
 *                       [--jobs N] [--force] [--out DIR] [--cache DIR] [--shard i/n]
 * npm run precompute -- merge --dataset ID [--from DIR | SHARD_DIR...] [--out DIR]
 *
 * --shard i/n trains runs i, i+n, i+2n, ... only and writes them to
 * precomputed-shards/shard-i-of-n/<id>/ (or --out); `merge` combines the shards
 * into public/precomputed/<id>/ (precompute/book/merge.ts).
 *
 * Trains every run of content/datasets/<id>.json (all datasets when --dataset
 * is not given) and writes public/precomputed/<id>/. Problems a person has to
 * fix are printed as a message without a stack trace, with exit code 1.
 */
import { parseArgs } from 'node:util';
import { precompute } from '../train/pipeline';
import { listDatasetIds } from '../train/config';
import { BACKEND_CHOICES, type BackendChoice } from '../train/backend';
import { PrecomputeError } from '../train/errors';
import { runTrainingCli } from './args';
import { parseShard } from '../book/dataset-config';
import { mergeShards, shardOutDir, SHARDS_DIR } from '../book/merge';
import { checkJobs, joinNegativeValues, profileError } from './training-options';

const USAGE = `usage: npm run precompute -- [--dataset ID] [--profile quick|full] [--backend ${BACKEND_CHOICES.join('|')}] [--jobs N] [--force] [--out DIR] [--cache DIR] [--shard i/n]
       npm run precompute -- merge --dataset ID [--from ${SHARDS_DIR} | SHARD_DIR...] [--out DIR]`;

function merge(argv: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { dataset: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new PrecomputeError('precompute merge', (e as Error).message, USAGE);
  }
  const { values, positionals } = parsed;
  if (!values.dataset) throw new PrecomputeError('precompute merge', 'which dataset to merge is missing.', 'pass --dataset ID (the id of content/datasets/ID.json).');
  mergeShards({ root: process.cwd(), datasetId: values.dataset, dirs: positionals, from: values.from, outDir: values.out });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'merge') { merge(process.argv.slice(3)); return; }
  let args;
  try {
    args = parseArgs({
      args: joinNegativeValues(process.argv.slice(2), ['--jobs']),
      options: {
        dataset: { type: 'string' }, profile: { type: 'string' }, backend: { type: 'string', default: 'auto' },
        jobs: { type: 'string' }, force: { type: 'boolean', default: false }, out: { type: 'string' }, cache: { type: 'string' },
        shard: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    throw new PrecomputeError('precompute', (e as Error).message, USAGE);
  }
  if (args.help) { console.log(USAGE); return; }
  if (args.profile !== undefined && args.profile !== 'quick' && args.profile !== 'full') {
    throw profileError(args.profile);
  }
  if (!BACKEND_CHOICES.includes(args.backend as BackendChoice)) {
    throw new PrecomputeError('--backend', `"${args.backend}" is not a backend.`, `use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  const jobsOption = args.jobs !== undefined ? checkJobs(args.jobs) : undefined;
  if (jobsOption?.note) console.log(`note: ${jobsOption.note}`);
  const jobs = jobsOption?.jobs;
  const shard = args.shard !== undefined ? parseShard(args.shard) : undefined;
  const root = process.cwd();
  const ids = args.dataset ? [args.dataset] : listDatasetIds(root);
  if (!ids.length) throw new PrecomputeError('content/datasets', 'there are no dataset configurations.', 'add content/datasets/<id>.json (see the book\'s contributing guide).');
  for (const id of ids) {
    await precompute({
      root, datasetId: id, profile: args.profile as 'quick' | 'full' | undefined, backend: args.backend as BackendChoice,
      jobs, force: args.force, outDir: args.out ?? (shard && shardOutDir(shard.index, shard.count)), cacheDir: args.cache, shard,
    });
  }
}

runTrainingCli('precompute', main);

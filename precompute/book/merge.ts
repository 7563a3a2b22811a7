/**
 * `npm run precompute -- merge`: combines the outputs of `--shard i/n` jobs (each a
 * directory <out>/<dataset-id>/ holding some of the runs) into the published
 * public/precomputed/<dataset-id>/, atomically, with one manifest listing every run
 * in the configuration's order. The shards must come from the same data, split,
 * profile and book version; the merge checks that and names the shard that differs.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { validateManifest, validateRunMetrics, type Manifest, type RunSummary } from '../../core/schema';
import { loadDatasetConfig } from '../train/config';
import { cleanStale, copyDir, replaceDirAtomic, toJson } from '../train/assets';
import { PrecomputeError } from '../train/errors';

/** Where `--shard i/n` writes by default: <SHARDS_DIR>/shard-i-of-n/<dataset-id>/. */
export const SHARDS_DIR = 'precomputed-shards';
export const shardOutDir = (index: number, count: number, parent = SHARDS_DIR) => join(parent, `shard-${index}-of-${count}`);

export interface MergeOptions {
  root: string;
  datasetId: string;
  /** Shard directories (each <something>/<dataset-id>/); default: every <from>/<x>/<dataset-id>/. */
  dirs?: string[];
  from?: string;
  /** Parent of the merged <dataset-id>/; default public/precomputed. */
  outDir?: string;
  log?: (s: string) => void;
}

function readShard(dir: string, shown: string): Manifest {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) {
    throw new PrecomputeError(shown, 'there is no manifest.json: this is not the output of a finished `npm run precompute -- --shard i/n` job.',
      'rerun that job (its finished runs are cached), or leave the directory out.');
  }
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(p, 'utf8')); } catch (e) {
    throw new PrecomputeError(`${shown}/manifest.json`, `it is not valid JSON (${(e as Error).message}); the job was probably killed while writing.`, 'rerun that shard.');
  }
  const v = validateManifest(raw, `${shown}/manifest.json`);
  if (!v.ok) throw new PrecomputeError(`${shown}/manifest.json`, v.error, 'rerun that shard with this version of the book.');
  return v.value;
}

export function findShardDirs(root: string, datasetId: string, from = SHARDS_DIR): string[] {
  const parent = resolve(root, from);
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(parent, e.name, datasetId, 'manifest.json')))
    .map((e) => join(parent, e.name, datasetId))
    .sort();
}

export function mergeShards(o: MergeOptions): { manifest: Manifest; dir: string; shards: number } {
  const root = resolve(o.root);
  const log = o.log ?? ((s: string) => console.log(s));
  const { config, path: configPath } = loadDatasetConfig(root, o.datasetId);
  const dirs = (o.dirs?.length ? o.dirs.map((d) => resolve(root, d)) : findShardDirs(root, config.id, o.from));
  const show = (d: string) => relative(process.cwd(), d) || '.';
  if (!dirs.length) {
    throw new PrecomputeError(o.from ?? SHARDS_DIR, `there are no shard outputs of "${config.id}" (looked for ${o.from ?? SHARDS_DIR}/*/${config.id}/manifest.json).`,
      `run the shards first: npm run precompute -- --dataset ${config.id} --shard i/n for each i, or name their directories after "merge".`);
  }
  const shards = dirs.map((d) => ({ dir: d, m: readShard(d, show(d)) }));
  const first = shards[0];
  for (const s of shards) {
    if (s.m.datasetId !== config.id) throw new PrecomputeError(show(s.dir), `it holds runs of "${s.m.datasetId}", not "${config.id}".`, 'merge the shards of one dataset at a time.');
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new PrecomputeError(show(s.dir), `its ${what} differs from that of ${show(first.dir)}, so the runs were not trained on the same events.`,
          'run every shard from the same data file, configuration, profile and book version (rerun the odd one).');
      }
    };
    same('data (SHA-256 of the events)', s.m.source.dataSha256, first.m.source.dataSha256);
    same('profile', [s.m.profile, s.m.profileSettings], [first.m.profile, first.m.profileSettings]);
    same('split', s.m.split, first.m.split);
    same('event sample', s.m.sample.sha256, first.m.sample.sha256);
    same('shard count', s.m.shard?.count ?? null, first.m.shard?.count ?? null);
  }
  // Each configured run from exactly one shard.
  const byRun = new Map<string, { summary: RunSummary; dir: string }>();
  for (const s of shards) {
    for (const r of s.m.runs) {
      const prev = byRun.get(r.id);
      if (prev && prev.summary.cacheKey !== r.cacheKey) {
        throw new PrecomputeError(show(s.dir), `run ${r.id} is also in ${show(prev.dir)}, trained with other settings.`, 'keep the outputs of one set of shards only (delete the old shard directories).');
      }
      if (!existsSync(join(s.dir, 'runs', r.id, 'metrics.json'))) {
        throw new PrecomputeError(show(s.dir), `run ${r.id} is listed in its manifest but runs/${r.id}/metrics.json is missing.`, 'rerun that shard.');
      }
      byRun.set(r.id, { summary: r, dir: s.dir });
    }
  }
  const missing = config.runs.filter((r) => !byRun.has(r.id)).map((r, _i) => {
    const i = config.runs.findIndex((x) => x.id === r.id);
    const n = first.m.shard?.count;
    return n ? `${r.id} (shard ${i % n}/${n})` : r.id;
  });
  if (missing.length) {
    throw new PrecomputeError(configPath, `the shards do not hold every run: missing ${missing.join(', ')}.`,
      'run the missing shards (a finished job can be rerun: its cached runs are reused), then merge again.');
  }
  const extra = [...byRun.keys()].filter((id) => !config.runs.some((r) => r.id === id));
  if (extra.length) log(`note: leaving out run(s) no longer in ${configPath}: ${extra.join(', ')}`);

  const outParent = resolve(root, o.outDir ?? 'public/precomputed');
  mkdirSync(outParent, { recursive: true });
  for (const note of cleanStale(outParent, config.id)) log(note);
  const stage = join(outParent, `.${config.id}.staging-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'runs'), { recursive: true });
  try {
    const runs: RunSummary[] = [];
    for (const rc of config.runs) {
      const { summary, dir } = byRun.get(rc.id)!;
      const dst = join(stage, 'runs', rc.id);
      copyDir(join(dir, 'runs', rc.id), dst);
      const v = validateRunMetrics(JSON.parse(readFileSync(join(dst, 'metrics.json'), 'utf8')), `${show(dir)}/runs/${rc.id}/metrics.json`);
      if (!v.ok) throw new PrecomputeError(show(dir), v.error, 'rerun that shard.');
      runs.push(summary);
    }
    copyDir(join(first.dir, 'sample.bin'), join(stage, 'sample.bin'));
    copyDir(join(first.dir, 'features.json'), join(stage, 'features.json'));
    const backends = new Map<string, Manifest['backend']>();
    for (const s of shards) backends.set(`${s.m.backend.name}|${s.m.backend.device}`, s.m.backend);
    const all = [...backends.values()];
    const backend = all.length === 1 ? all[0] : {
      requested: [...new Set(all.map((b) => b.requested))].join(', '),
      name: [...new Set(all.map((b) => b.name))].join(' + '),
      device: all.map((b) => b.device).filter((d, i, a) => a.indexOf(d) === i).join('; '),
    };
    const starts = shards.map((s) => Date.parse(s.m.timings.startedAt));
    const ends = shards.map((s) => Date.parse(s.m.timings.finishedAt));
    const { shard: _drop, ...base } = first.m;
    const manifest: Manifest = {
      ...base,
      title: config.title,
      backend,
      runs,
      timings: {
        startedAt: new Date(Math.min(...starts)).toISOString(),
        finishedAt: new Date(Math.max(...ends)).toISOString(),
        seconds: shards.reduce((a, s) => a + s.m.timings.seconds, 0),
      },
    };
    const check = validateManifest(JSON.parse(toJson(manifest)));
    if (!check.ok) throw new Error(`internal error, the merged manifest does not validate: ${check.error}`);
    writeFileSync(join(stage, 'manifest.json'), toJson(manifest));
    const target = join(outParent, config.id);
    replaceDirAtomic(stage, target);
    log(`merged ${shards.length} shard(s), ${runs.length} runs, into ${show(target)}`);
    return { manifest, dir: target, shards: shards.length };
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}

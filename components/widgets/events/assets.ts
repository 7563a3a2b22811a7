/**
 * The chapter 5-6 widgets' view of the precomputed assets: manifest.json,
 * features.json and sample.bin of the book's dataset, fetched once per page and
 * checked against the schema. Every failure becomes a message that names the
 * file and says how to fix it, shown in the widget (never a blank widget).
 */
import {
  decodeSample, fetchManifest, SCHEMA_VERSION, type FeaturesFile, type Manifest,
} from '../../../core/schema';

export interface EventSample {
  rows: number;
  /** Raw feature columns by name (plus 'label'). */
  columns: Record<string, Float32Array>;
  labels: Float32Array;
  features: string[];
}

import { once } from '../../assets/fetch-once';
import { showWidgetError as showError } from '../widget-error';

const dir = (base: string) => base.replace(/\/?$/, '/');

export function loadManifest(base: string): Promise<Manifest> {
  return once(`${base}|manifest`, () => fetchManifest(dir(base)));
}

export function loadFeatures(base: string): Promise<FeaturesFile> {
  return once(`${base}|features`, async () => {
    const url = `${dir(base)}features.json`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}. Run \`npm run precompute\` to create the precomputed assets.`);
    const body = await res.json();
    if (body?.schemaVersion !== SCHEMA_VERSION) {
      throw new Error(`${url} uses schema version ${body?.schemaVersion ?? '(none)'}, but this book reads version ${SCHEMA_VERSION}. Run \`npm run precompute -- --force\` to rebuild the precomputed assets.`);
    }
    if (!Array.isArray(body.features) || !body.features.every((f: any) => f?.signal?.histogram && f?.background?.histogram)) {
      throw new Error(`${url} has no per-feature histograms. Run \`npm run precompute -- --force\` to rebuild it.`);
    }
    return body as FeaturesFile;
  });
}

export function loadSample(base: string): Promise<EventSample> {
  return once(`${base}|sample`, async () => {
    const manifest = await loadManifest(base);
    const url = `${dir(base)}${manifest.sample.file}`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}. Run \`npm run precompute\` to create the precomputed assets.`);
    let columns: Record<string, Float32Array>;
    try {
      columns = decodeSample(await res.arrayBuffer(), manifest.sample);
    } catch (e) {
      throw new Error(`${url}: ${(e as Error).message}`);
    }
    if (!columns.label) throw new Error(`${url} has no label column. Run \`npm run precompute -- --force\` to rebuild it.`);
    return { rows: manifest.sample.rows, columns, labels: columns.label, features: manifest.features };
  });
}

/** Shows a loading problem inside the widget (role=alert), replacing its busy state. */
export function showWidgetError(root: HTMLElement, message: string): void {
  showError(root, `This widget could not load its data: ${message}`);
}

/** Physics-style names for the features (units in brackets). */
export function featureLabel(name: string): string {
  const m = name.match(/^(lepton|jet)(\d)_(px|py|pz|energy|mass)$/);
  if (m) {
    const obj = `${m[1] === 'lepton' ? 'lepton' : 'jet'} ${Number(m[2]) + 1}`;
    const q = { px: 'px', py: 'py', pz: 'pz', energy: 'energy', mass: 'mass' }[m[3]]!;
    return `${obj} ${q} (GeV)`;
  }
  return ({
    Njets: 'number of jets',
    HT_all: 'HT, scalar sum of pT (GeV)',
    MissingEnergy: 'missing transverse momentum (GeV)',
    combined_leptons_mass: 'invariant mass of the two leptons, mℓℓ (GeV)',
    angle_between_jets: 'opening angle between the jets (rad)',
    angle_between_leptons: 'opening angle between the leptons (rad)',
  } as Record<string, string>)[name] ?? name;
}

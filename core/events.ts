/**
 * Event tables: what the data loader returns, the generator produces and the
 * precompute trains on. Isomorphic (no Node imports): the widgets use the same
 * feature names and types.
 */

/** The 26 columns of the course's file, in the course's order (GeV, radians). */
export const COURSE_FEATURES = [
  'lepton0_px', 'lepton0_py', 'lepton0_pz', 'lepton0_energy',
  'lepton1_px', 'lepton1_py', 'lepton1_pz', 'lepton1_energy',
  'jet0_px', 'jet0_py', 'jet0_pz', 'jet0_energy',
  'jet1_px', 'jet1_py', 'jet1_pz', 'jet1_energy',
  'Njets', 'HT_all', 'MissingEnergy',
  'lepton0_mass', 'lepton1_mass', 'jet0_mass', 'jet1_mass',
  'combined_leptons_mass', 'angle_between_jets', 'angle_between_leptons',
] as const;

export type CourseFeature = (typeof COURSE_FEATURES)[number];

/** The course's five high-level features (its second series of networks, "F5"). */
export const COURSE_HIGH_LEVEL_FEATURES: readonly CourseFeature[] = [
  'Njets', 'HT_all', 'combined_leptons_mass', 'angle_between_jets', 'angle_between_leptons',
];

/** The events of one class: one Float64Array per feature, all of length `count`. */
export interface EventClass {
  /** Where the class came from in the file, e.g. "Signal" or "events/Signal". */
  key: string;
  count: number;
  columns: Record<string, Float64Array>;
}

export interface EventTable {
  /** Feature names, in column order; every class has exactly these columns. */
  features: string[];
  signal: EventClass;
  background: EventClass;
}

/** Events per class that were dropped for NaN or ±Inf values, and the counts per column. */
export interface NonFiniteReport {
  signal: { dropped: number; perColumn: Record<string, number> };
  background: { dropped: number; perColumn: Record<string, number> };
}

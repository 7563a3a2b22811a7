/**
 * One event of the course's 26-column layout as objects in the transverse plane
 * (the view along the beam), for the event display and its text alternative.
 *
 * The file stores each lepton's and jet's (px, py, pz, E). The missing transverse
 * momentum is stored only as a size (MissingEnergy), not a direction, so its
 * direction is estimated: opposite to the vector sum of the stored objects'
 * transverse momenta, which is where momentum balance puts the neutrinos when
 * nothing else is in the event.
 */

export type ObjectKind = 'lepton' | 'jet';

export interface TransverseObject {
  /** lepton0, lepton1, jet0, jet1 (highest pT first within each kind). */
  name: string;
  kind: ObjectKind;
  px: number;
  py: number;
  pz: number;
  energy: number;
  /** Transverse momentum √(px² + py²), GeV. */
  pt: number;
  /** Azimuth atan2(py, px), radians in (−π, π]. */
  phi: number;
  /** Pseudorapidity asinh(pz / pT). */
  eta: number;
}

export interface TransverseEvent {
  objects: TransverseObject[];
  /** Jets passing the selection; only the two leading ones are stored. */
  njets: number;
  /** Size of the missing transverse momentum, GeV (the stored MissingEnergy). */
  met: number;
  /** Estimated direction of the missing transverse momentum, radians. */
  metPhi: number;
}

const OBJECTS: [string, ObjectKind][] = [['lepton0', 'lepton'], ['lepton1', 'lepton'], ['jet0', 'jet'], ['jet1', 'jet']];

/** Builds the transverse view of one event; `value(name)` returns a stored feature. */
export function transverseEvent(value: (feature: string) => number): TransverseEvent {
  const objects: TransverseObject[] = [];
  let sx = 0, sy = 0;
  for (const [name, kind] of OBJECTS) {
    const px = value(`${name}_px`), py = value(`${name}_py`), pz = value(`${name}_pz`), energy = value(`${name}_energy`);
    // A jet that is not there is stored as zeros (events with fewer than two jets).
    if (!(energy > 0)) continue;
    const pt = Math.hypot(px, py);
    objects.push({ name, kind, px, py, pz, energy, pt, phi: Math.atan2(py, px), eta: pt > 0 ? Math.asinh(pz / pt) : 0 });
    sx += px;
    sy += py;
  }
  const met = value('MissingEnergy');
  return { objects, njets: Math.round(value('Njets')), met, metPhi: Math.atan2(-sy, -sx) };
}

/** Azimuth in degrees in [0, 360) for reading aloud. */
export function degrees(phi: number): number {
  const d = (phi * 180) / Math.PI;
  return ((Math.round(d) % 360) + 360) % 360;
}

/** Invariant mass of two four-vectors (E, px, py, pz), GeV; 0 for round-off below zero. */
export function invariantMass(a: { energy: number; px: number; py: number; pz: number }, b: { energy: number; px: number; py: number; pz: number }): number {
  const e = a.energy + b.energy, x = a.px + b.px, y = a.py + b.py, z = a.pz + b.pz;
  return Math.sqrt(Math.max(e * e - x * x - y * y - z * z, 0));
}

/** 3-D opening angle between two momenta, radians in [0, π]. */
export function openingAngle(a: { px: number; py: number; pz: number }, b: { px: number; py: number; pz: number }): number {
  const na = Math.hypot(a.px, a.py, a.pz), nb = Math.hypot(b.px, b.py, b.pz);
  if (na === 0 || nb === 0) return 0;
  const c = (a.px * b.px + a.py * b.py + a.pz * b.pz) / (na * nb);
  return Math.acos(Math.min(1, Math.max(-1, c)));
}

/** A sentence-by-sentence description of the event for screen readers and the page. */
export function describeEvent(ev: TransverseEvent, fmt: (x: number) => string = (x) => x.toFixed(0)): string {
  const parts = ev.objects.map((o) => {
    const what = o.kind === 'lepton' ? `Lepton ${Number(o.name.slice(-1)) + 1}` : `Jet ${Number(o.name.slice(-1)) + 1}`;
    return `${what}: transverse momentum ${fmt(o.pt)} GeV at ${degrees(o.phi)}°, energy ${fmt(o.energy)} GeV.`;
  });
  const jets = ev.njets > 2 ? ` The event has ${ev.njets} jets; the file keeps the two with the highest transverse momentum.` : '';
  return `${parts.join(' ')}${jets} Missing transverse momentum ${fmt(ev.met)} GeV, drawn at ${degrees(ev.metPhi)}°, opposite to the sum of the visible objects.`;
}

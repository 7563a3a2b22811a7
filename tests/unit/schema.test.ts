import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, validateManifest, validateRunMetrics, decodeTestScores } from '../../core/schema';

describe('asset schema validation', () => {
  it('refuses an unknown schema version with a message that says how to rebuild', () => {
    const v = validateManifest({ schemaVersion: SCHEMA_VERSION + 1 });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error).toContain(`schema version ${SCHEMA_VERSION + 1}`);
      expect(v.error).toContain('npm run precompute');
    }
    const m = validateRunMetrics({ runId: 'x' });
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error).toMatch(/no schemaVersion/);
  });
  it('names the missing parts of a manifest of the right version', () => {
    const v = validateManifest({ schemaVersion: SCHEMA_VERSION, datasetId: 'd', runs: [{ id: '../x' }] });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error).toMatch(/profile/);
      expect(v.error).toMatch(/runs\[0\]\.id/);
    }
  });
  it('decodes test scores and checks their length', () => {
    const buf = new Float32Array([0.1, 0.9, 0, 1]).buffer;
    const { scores, labels } = decodeTestScores(buf, 2);
    expect(Array.from(labels)).toEqual([0, 1]);
    expect(scores[1]).toBeCloseTo(0.9, 6);
    expect(() => decodeTestScores(buf, 3)).toThrow(/test-scores.bin/);
  });
});

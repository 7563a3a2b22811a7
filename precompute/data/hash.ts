import { createHash } from 'node:crypto';
import type { EventTable } from '../../core/events';

/**
 * SHA-256 of the decoded table: feature names, class counts and every value as
 * little-endian float64, signal then background, column by column. Two files
 * with the same events in different layouts or types hash the same; the
 * precompute uses it in its cache key.
 */
export function tableSha256(table: EventTable): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ features: table.features, signal: table.signal.count, background: table.background.count }));
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (const cls of [table.signal, table.background]) {
    for (const f of table.features) {
      const col = cls.columns[f];
      if (little) {
        h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
      } else {
        const copy = new DataView(new ArrayBuffer(col.length * 8));
        col.forEach((v, i) => copy.setFloat64(i * 8, v, true));
        h.update(new Uint8Array(copy.buffer));
      }
    }
  }
  return h.digest('hex');
}

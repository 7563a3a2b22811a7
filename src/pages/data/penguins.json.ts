/**
 * The cleaned penguins (333 rows), generated at build time from vega-datasets' file by the
 * same core/ code the chapters use; the widgets fetch this file.
 */
import { loadPenguins } from '../../../core/penguins-node';

export function GET() {
  const { clean } = loadPenguins();
  return new Response(JSON.stringify({ source: 'vega-datasets data/penguins.json', rawCount: clean.rawCount, rows: clean.rows }), {
    headers: { 'Content-Type': 'application/json' },
  });
}

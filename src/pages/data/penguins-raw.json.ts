/** The raw penguins file exactly as vega-datasets ships it (344 rows), for the chapter's cleaning exercise. */
import { loadPenguins } from '../../../core/penguins-node';

export function GET() {
  return new Response(JSON.stringify(loadPenguins().raw), { headers: { 'Content-Type': 'application/json' } });
}

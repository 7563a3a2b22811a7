/**
 * In-page fetching of the book's static files: each file is fetched once per page (widgets
 * on the same page share it), a failed fetch can be retried, and every failure becomes a
 * message that names the URL and the fix.
 */
const pending = new Map<string, Promise<unknown>>();

export function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  if (!pending.has(key)) {
    const p = make();
    pending.set(key, p);
    p.catch(() => pending.delete(key));
  }
  return pending.get(key) as Promise<T>;
}

export async function fetchOk(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${url} could not be fetched (${(e as Error).message}). Serve the built book (npm start) rather than opening the files directly.`);
  }
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}. Run \`npm run precompute\` to create the precomputed assets, then rebuild the book.`);
  return res;
}

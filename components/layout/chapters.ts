import { getCollection, type CollectionEntry } from 'astro:content';

export type Chapter = CollectionEntry<'chapters'> & { slug: string; href: string; number: number };

/** Prefix a site path with the configured base (the book may live under a sub-path). */
export function withBase(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  return `${base}/${path.replace(/^\//, '')}`;
}

/** All chapters in reading order; slugs drop the file's ordering prefix ("01-tensors" -> "tensors"). */
export async function getChapters(): Promise<Chapter[]> {
  const entries = await getCollection('chapters');
  return entries
    .sort((a, b) => a.data.order - b.data.order)
    .map((entry, i) => {
      const slug = entry.id.replace(/^\d+-/, '');
      return Object.assign(entry, { slug, href: withBase(`chapters/${slug}/`), number: i + 1 });
    });
}

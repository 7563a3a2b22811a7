import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

// Chapters live in the top-level content/ folder (see architecture.md), ordered by `order`.
const chapters = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/chapters' }),
  schema: z.object({
    title: z.string(),
    summary: z.string(),
    order: z.number().int(),
    /** Pages that run TF.js say so, so the reader is warned before a large download. */
    usesTfjs: z.boolean().default(false),
  }),
});

export const collections = { chapters };

// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { vendorAssets } from './scripts/vendor-assets.mjs';

// The book can be served under a sub-path (university web hosting): NN4HEP_BASE=/courses/ml/
const base = process.env.NN4HEP_BASE || '/';
// Vite lets an inherited BASE_URL variable (vitest exports one) override import.meta.env.BASE_URL,
// which would point every link of a sub-path build at "/". Only NN4HEP_BASE decides.
delete process.env.BASE_URL;

export default defineConfig({
  base,
  trailingSlash: 'ignore',
  outDir: process.env.NN4HEP_OUT_DIR || './dist',
  integrations: [vendorAssets(), mdx()],
  markdown: {
    remarkPlugins: [remarkMath],
    rehypePlugins: [[rehypeKatex, { throwOnError: false, strict: false }]],
    shikiConfig: {
      themes: { light: 'github-light', dark: 'github-dark' },
      defaultColor: false,
      wrap: false,
    },
  },
  server: { port: 4321, host: true },
  vite: {
    // TF.js is only ever loaded with dynamic import() by the pages that need it.
    build: { chunkSizeWarningLimit: 4096 },
    worker: { format: 'es' },
  },
});

// Copies run-time files that ship inside npm packages (TF.js wasm binaries) into
// public/vendor/ before every dev or build, so the site serves them itself and
// nothing is fetched from a CDN. public/vendor/ is git-ignored: it is derived.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function copyVendorAssets() {
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const target = join(root, 'public', 'vendor', 'tfjs-wasm');
  mkdirSync(target, { recursive: true });
  for (const f of readdirSync(wasmDir)) {
    if (f.endsWith('.wasm')) cpSync(join(wasmDir, f), join(target, f));
  }
}

/** @returns {import('astro').AstroIntegration} */
export function vendorAssets() {
  return {
    name: 'nn4hep-vendor-assets',
    hooks: { 'astro:config:setup': () => copyVendorAssets() },
  };
}

// `npm start`: build the book and serve it at http://localhost:4321.
// `npm run build` first simulates the built-in events and trains the classifier runs when
// their outputs are missing or stale (see precompute/cli/prepare-book.ts).
import { spawnSync } from 'node:child_process';
import { startStaticServer } from './static-server.mjs';

process.env.ASTRO_TELEMETRY_DISABLED = '1';

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status}). Fix the problem above and run \`npm start\` again.`);
    process.exit(result.status ?? 1);
  }
}

step('Preparing data and precomputed models, then building the book', 'npm', ['run', '-s', 'build']);
const base = process.env.NN4HEP_BASE || '/';
const port = Number(process.env.PORT || 4321);
const server = await startStaticServer({ root: 'dist', port, host: '0.0.0.0', base });
console.log(`\n✔ NN4HEP is served at ${server.url}  (Ctrl+C to stop)`);

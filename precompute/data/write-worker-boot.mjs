// Worker threads do not inherit tsx's loader from `tsx precompute/cli/...`:
// register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./write-worker.ts');

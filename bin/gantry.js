#!/usr/bin/env node
// The CLI is bundled into build/ by `npm run build` (run by `npm ci` through `prepare`).
import('../build/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('gantry: build/cli.js is missing; run `npm run build` in the gantry folder first\n');
    process.exit(2);
  }
  throw error;
});

// Bundles the gantry CLI into build/cli.js (ESM). CommonJS dependencies need `require`, hence the banner.
import { build } from 'esbuild';

const banner =
  "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);";

await build({
  entryPoints: { cli: 'cli/index.ts' },
  outdir: 'build',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  banner: { js: banner },
  logLevel: 'warning',
});

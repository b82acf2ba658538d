// Bundles the gantry CLI into build/cli.js and each action entry point into dist/<name>/index.js (ESM).
// dist/ is committed because GitHub runs actions from the repository as it is; CI checks it is current.
import { readdirSync } from 'node:fs';
import { build } from 'esbuild';

const banner =
  "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  banner: { js: banner },
  logLevel: 'warning',
  legalComments: 'none',
};

const actions = Object.fromEntries(
  readdirSync('actions').map((name) => [`${name}/index`, `actions/${name}/index.ts`]),
);

await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'cli/index.ts' },
    outdir: 'build',
    target: 'node20',
    sourcemap: 'linked',
  }),
  build({ ...common, entryPoints: actions, outdir: 'dist', target: 'node24', minify: true }),
]);

// Bundles the gantry CLI into build/cli.js and each action entry point into dist/<name>/index.js (ESM).
// dist/ is committed because GitHub runs actions from the repository as it is; CI checks it is current.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

// Of Gantry's own package.json a bundle needs the version only: with the dependency lists in it, every
// bundle would change whenever a development tool does.
const ownPackage = resolve('package.json');
const versionOnly = {
  name: 'package-version-only',
  setup(builder) {
    builder.onLoad({ filter: /package\.json$/ }, (args) =>
      args.path === ownPackage
        ? {
            contents: JSON.stringify({ version: JSON.parse(readFileSync(args.path, 'utf8')).version }),
            loader: 'json',
          }
        : undefined,
    );
  },
};

const banner =
  "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  banner: { js: banner },
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [versionOnly],
};

// Every JavaScript action (a folder with an index.ts) gets one bundle; its action.yml points at it.
// Composite actions and the shared code have no entry of their own.
const actions = Object.fromEntries(
  readdirSync('actions')
    .filter((name) => existsSync(`actions/${name}/index.ts`))
    .map((name) => [`${name}/index`, `actions/${name}/index.ts`]),
);

// The traffic proxy of docker deployments runs as its own process, beside the bundle that starts it.
const PROXY = 'core/deploy/traffic-proxy-main.ts';

await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'cli/index.ts', 'traffic-proxy': PROXY },
    outdir: 'build',
    target: 'node20',
    sourcemap: 'linked',
    // What only some commands need (Kubernetes' object models) is a chunk of its own, loaded when used:
    // every command starts faster.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  build({
    ...common,
    entryPoints: { ...actions, 'traffic-proxy': PROXY },
    outdir: 'dist',
    target: 'node24',
    minify: true,
  }),
]);

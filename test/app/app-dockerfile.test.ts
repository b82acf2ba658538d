import { readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dockerfile = DockerfileParser.parse(readFileSync('app/Dockerfile', 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The instructions of each stage, as keyword and arguments. */
function stages(): { keyword: string; args: string[]; from?: string }[][] {
  const result: { keyword: string; args: string[]; from?: string }[][] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') result.push([]);
    const args = instruction.getArguments().map((a) => a.getValue());
    // Flags such as --from are not arguments to the parser: read them from the instruction's text.
    const from = /--from=(\S+)/.exec(instruction.getTextContent())?.[1];
    result
      .at(-1)
      ?.push({ keyword, args: args.filter((a) => !a.startsWith('--')), ...(from ? { from } : {}) });
  }
  return result;
}

describe('app/Dockerfile', () => {
  it('copies every source file the app bundle is built from, and the image runs what app:build writes', async () => {
    const [buildStage = [], runtime = []] = stages();
    const copied = buildStage.filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.slice(0, -1));
    expect(buildStage.map((i) => i.args.join(' '))).toContain('npm run app:build');

    const script = pkg.scripts['app:build']!;
    const outfile = /--outfile=(\S+)/.exec(script)![1]!;
    const bundle = await build({
      entryPoints: ['app/server.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const sources = Object.keys(bundle.metafile.inputs);
    expect(sources).toContain('app/server.ts');
    for (const source of sources)
      expect(copied, `${source} is not copied into the build stage`).toContain(source.split('/')[0]);

    // The runtime stage installs only `dependencies`: every package the bundle imports must be one.
    const imported = new Set(
      Object.values(bundle.metafile.outputs).flatMap((o) =>
        o.imports
          .filter((i) => i.external && !i.path.startsWith('node:'))
          .map((i) =>
            i.path
              .split('/')
              .slice(0, i.path.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      ),
    );
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported)
      expect(Object.keys(pkg.dependencies), `${name} is a devDependency`).toContain(name);

    const cmd = runtime.find((i) => i.keyword === 'CMD')!;
    expect(cmd.args.join(' ')).toContain(outfile);
    expect(runtime.find((i) => i.keyword === 'COPY' && i.from === 'build')!.args[0]).toBe(
      `/gantry/${outfile.split('/').slice(0, -1).join('/')}`,
    );
    expect(runtime.find((i) => i.keyword === 'USER')?.args).toEqual(['node']);
  });
});

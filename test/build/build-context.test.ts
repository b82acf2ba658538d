import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildContextDir, prepareBuildContext } from '../../core/build/build-context.js';
import { folderFiles, syncActions } from '../../core/build/sync-folder.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { tempDir } from '../support/temp-dir.js';

describe('what a synchronisation copies and deletes', () => {
  const file = (path: string, size = 1, mtimeMs = 1000) => ({ path, size, mtimeMs });

  it('copies new and changed files, keeps unchanged ones and deletes those that disappeared', () => {
    const wanted = [file('same'), file('new'), file('bigger', 2), file('touched', 1, 2000)];
    const present = [file('same'), file('bigger'), file('touched'), file('gone')];
    expect(syncActions(wanted, present)).toEqual({ copy: ['new', 'bigger', 'touched'], remove: ['gone'] });
  });
});

describe('the build context folder', () => {
  const manifest = parseManifest(
    'name: m\nversion: 1.0.0\ntask: rest\nserver:\n  type: rest\nweights:\n  source: baked\n  path: weights\n  mount_path: /models\ntargets:\n  - name: cpu\n    platform: cpu\n',
    'model.yml',
    { pathExists: () => true },
  ).manifest!;

  it('is one folder per model folder and target, kept between builds', () => {
    expect(buildContextDir('/repo/a', 'cpu', '/tmp')).toBe(buildContextDir('/repo/a/', 'cpu', '/tmp'));
    expect(buildContextDir('/repo/a', 'cpu', '/tmp')).not.toBe(buildContextDir('/repo/a', 'gpu', '/tmp'));
    expect(buildContextDir('/repo/a', 'cpu', '/tmp')).toMatch(/^\/tmp\/gantry-build-contexts\/[0-9a-f]{16}$/);
  });

  it('is synchronised: unchanged files keep their times, removed ones go, weights stay apart', async () => {
    const model = tempDir();
    mkdirSync(join(model, 'weights'));
    mkdirSync(join(model, '.git'));
    writeFileSync(join(model, 'model.py'), 'v1');
    writeFileSync(join(model, 'old.py'), 'old');
    mkdirSync(join(model, 'data', 'old'), { recursive: true });
    writeFileSync(join(model, 'data', 'old', 'rows.csv'), 'x');
    writeFileSync(join(model, '.git', 'HEAD'), 'ref');
    writeFileSync(join(model, 'weights', 'w.bin'), 'weights');
    const server = join(tempDir(), 'rest_server.py');
    writeFileSync(server, 'serve');
    const first = await prepareBuildContext(model, manifest, 'cpu-test', 'FROM a', {
      'rest_server.py': server,
    });
    const files = async () => (await folderFiles(first.dir)).map((f) => f.path).sort();
    expect(await files()).toEqual([
      'Dockerfile',
      'gantry/rest_server.py',
      'model/data/old/rows.csv',
      'model/gantry-manifest.json',
      'model/model.py',
      'model/old.py',
      'weights/w.bin',
    ]);
    const weightsTime = statSync(join(first.dir, 'weights/w.bin')).mtimeMs;

    writeFileSync(join(model, 'model.py'), 'v2 changed');
    utimesSync(join(model, 'model.py'), new Date(), new Date(Date.now() + 5000));
    rmSync(join(model, 'old.py'));
    rmSync(join(model, 'data'), { recursive: true });
    const second = await prepareBuildContext(model, manifest, 'cpu-test', 'FROM b', {
      'rest_server.py': server,
    });
    expect(second.dir).toBe(first.dir);
    expect(await files()).not.toContain('model/old.py');
    expect(existsSync(join(second.dir, 'model/data'))).toBe(false);
    expect(readFileSync(join(second.dir, 'model/model.py'), 'utf8')).toBe('v2 changed');
    expect(readFileSync(second.dockerfile, 'utf8')).toBe('FROM b');
    expect(statSync(join(second.dir, 'weights/w.bin')).mtimeMs).toBe(weightsTime);
    // Copies keep the source's time to within a millisecond, which is what the comparison allows.
    const copied = statSync(join(second.dir, 'weights/w.bin')).mtimeMs;
    expect(Math.abs(copied - statSync(join(model, 'weights/w.bin')).mtimeMs)).toBeLessThan(1);
    rmSync(second.dir, { recursive: true, force: true });
  });
});

import { appendFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildContextDir } from '../../core/build/build-context.js';
import { buildImage } from '../../core/build/build-image.js';
import { loadManifest } from '../../core/manifest/load-manifest.js';
import { gitRepo } from '../support/git-repo.js';
import { services, serviceUnavailable } from '../support/services.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const skip = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');

describe.skipIf(skip)('an unchanged rebuild', () => {
  it('reuses the image built from the same context, arguments and base image, and only that', {
    timeout: 180_000,
  }, async () => {
    const repo = await gitRepo();
    cpSync(join(ROOT, 'test/fixtures/build/rest-model'), repo.dir, { recursive: true });
    await repo.commit({}, 'doubler');
    onTestFinished(() => rmSync(buildContextDir(repo.dir, 'cpu'), { recursive: true, force: true }));
    const build = async (options: { baseImage?: string; noCache?: boolean } = {}) => {
      const { manifest } = await loadManifest(join(repo.dir, 'model.yml'));
      return buildImage({
        modelDir: repo.dir,
        manifest: manifest!,
        target: manifest!.targets[0]!,
        registry: '127.0.0.1:5000/gantry-reuse-test',
        push: false,
        baseImage: options.baseImage ?? 'gantry-base/python:bookworm',
        noCache: options.noCache,
        timeoutMs: 120_000,
        templatesDir: join(ROOT, 'dockerfiles'),
      });
    };

    const cold = await build({ noCache: true });
    expect(cold.reused).toBeUndefined();
    const again = await build();
    expect(again).toMatchObject({ reused: true, image_id: cold.image_id, tags: cold.tags });

    // A changed file is a new build.
    appendFileSync(join(repo.dir, 'model.py'), '\n# tuned\n');
    const changed = await build();
    expect(changed.reused).toBeUndefined();
    expect(changed.image_id).not.toBe(cold.image_id);
    expect((await build()).image_id).toBe(changed.image_id);

    // So is another base image, even with the same context.
    const otherBase = await build({ baseImage: 'gantry-base/asr:bookworm' });
    expect(otherBase.reused).toBeUndefined();
    expect(otherBase.base_image).toBe('gantry-base/asr:bookworm');
    expect(otherBase.image_id).not.toBe(changed.image_id);

    // And --no-cache always builds.
    expect((await build({ baseImage: 'gantry-base/asr:bookworm', noCache: true })).reused).toBeUndefined();
  });
});

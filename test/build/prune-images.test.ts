import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DOCKER, type DockerImage } from '../../core/build/docker.js';
import { chooseImagesToPrune } from '../../core/build/prune-images.js';
import { runCli } from '../support/run-cli.js';
import { services, serviceUnavailable } from '../support/services.js';

const image = (id: string, created: string, labels: Record<string, string> | null): DockerImage => ({
  Id: id,
  RepoTags: [`r/${id}:1`],
  RepoDigests: [],
  Size: 1,
  Created: created,
  Architecture: 'amd64',
  RootFS: {},
  Config: { Labels: labels },
});

describe('choosing images to prune', () => {
  const a = { 'dev.gantry.model': 'a', 'dev.gantry.target': 'cpu' };
  const images = [
    image('a1', '2025-01-01T00:00:00Z', a),
    image('a3', '2025-01-03T00:00:00Z', a),
    image('a2', '2025-01-02T00:00:00Z', a),
    image('a-gpu', '2025-01-01T00:00:00Z', { ...a, 'dev.gantry.target': 'cuda' }),
    image('b1', '2025-01-01T00:00:00Z', { 'dev.gantry.model': 'b', 'dev.gantry.target': 'cpu' }),
    image('other', '2020-01-01T00:00:00Z', null),
  ];

  it('keeps the newest N per model and target, and never touches images Gantry did not build', () => {
    const { keep, remove } = chooseImagesToPrune(images, 1);
    expect(remove.map((i) => i.Id)).toEqual(['a2', 'a1']);
    expect(keep.map((i) => i.Id).sort()).toEqual(['a-gpu', 'a3', 'b1']);
  });

  it('can be limited to one model', () => {
    expect(chooseImagesToPrune(images, 0, 'b').remove.map((i) => i.Id)).toEqual(['b1']);
  });
});

const skip = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');

describe.skipIf(skip)('gantry images prune on a real engine', () => {
  it('removes superseded images of a model and keeps the newest', { timeout: 120_000 }, () => {
    // Whatever an earlier, interrupted run left behind would change the counts.
    const stale = execFileSync(DOCKER, ['image', 'ls', '-q', '--filter', 'label=dev.gantry.model=prune-me'], {
      encoding: 'utf8',
    });
    for (const id of new Set(stale.split('\n').filter(Boolean))) execFileSync(DOCKER, ['rmi', '-f', id]);
    const tags = [1, 2, 3].map((n) => {
      const tag = `127.0.0.1:5000/gantry-test/prune-me:${n}.0.0-cpu`;
      execFileSync(DOCKER, ['build', '-q', '-t', tag, '-'], {
        // A fresh layer each run: an image made of labels alone may come back from the cache with an old date.
        input: `FROM gantry-base/python:bookworm\nRUN echo ${n} ${Date.now()} > /built\nLABEL dev.gantry.model=prune-me dev.gantry.target=cpu\n`,
        env: { ...process.env, DOCKER_BUILDKIT: '1' },
      });
      execFileSync('sleep', ['1.1']);
      return tag;
    });
    return runCli(['images', 'prune', '--keep', '1', '--model', 'prune-me']).then((result) => {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('removed 2, kept 1');
      const left = execFileSync(
        DOCKER,
        [
          'image',
          'ls',
          '--filter',
          'label=dev.gantry.model=prune-me',
          '--format',
          '{{.Repository}}:{{.Tag}}',
        ],
        { encoding: 'utf8' },
      );
      expect(left.trim()).toBe(tags[2]);
      execFileSync(DOCKER, ['rmi', tags[2]!]);
    });
  });
});

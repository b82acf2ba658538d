import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseVersionTag, versionTag } from '../../core/registry/version-tag.js';
import { ModelManifest } from '../../schemas/model-manifest.js';

const validRef = (ref: string) => {
  try {
    execFileSync('git', ['check-ref-format', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('versionTag', () => {
  const cases: [string, string][] = [
    ['chat', '1.0.0'],
    ['acme/whisper-small', '1.2.0'],
    ['acme/whisper.small_v2', '2.0.0-rc.1+build.7'],
    ['acme.lock/model.lock', '1.0.0+x.lock'],
    ['a', '0.0.1-0'],
  ];

  it.each(cases)('names %s %s with a valid, reversible ref name', (model, version) => {
    expect(ModelManifest.shape.name.safeParse(model).success).toBe(true);
    expect(ModelManifest.shape.version.safeParse(version).success).toBe(true);
    const tag = versionTag(model, version);
    expect(validRef(`refs/tags/${tag}`)).toBe(true);
    expect(parseVersionTag(tag)).toEqual({ model, version });
  });

  it('keeps ordinary names readable', () => {
    expect(versionTag('acme/whisper-small', '1.2.0')).toBe('acme/whisper-small@1.2.0');
    expect(versionTag('acme.lock/m', '1.0.0')).toBe('acme%2Elock/m@1.0.0');
    expect(validRef('refs/tags/acme.lock/m@1.0.0')).toBe(false);
  });

  it('reads no version out of other tags', () => {
    expect(parseVersionTag('v1.0.0')).toBeUndefined();
    expect(parseVersionTag('@1.0.0')).toBeUndefined();
    expect(parseVersionTag('chat@')).toBeUndefined();
  });
});

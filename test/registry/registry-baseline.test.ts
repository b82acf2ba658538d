import { describe, expect, it } from 'vitest';
import { GitRegistry } from '../../core/registry/git-registry.js';
import { registryBaseline } from '../../core/registry/registry-baseline.js';
import { ModelManifest } from '../../schemas/model-manifest.js';
import { gitRepo } from '../support/git-repo.js';
import { versionDraft } from './registry-contract.js';

const manifest = (version: string, baseline?: string) =>
  ModelManifest.parse({
    name: 'acme/chat',
    version,
    task: 'llm',
    server: { type: 'openai', command: 'x' },
    benchmark: { chat: { kind: 'openai-chat' } },
    ...(baseline ? { gates: { baseline } } : {}),
  });

/** A registry holding acme/chat 1.0.0, 1.1.0 and 2.0.0, with 1.0.0 in production. */
async function registry() {
  const repo = await gitRepo();
  const sha = await repo.commit({ 'model.yml': 'name: acme/chat\n' });
  const reg = new GitRegistry(repo.dir);
  const by = { actor: 'ci' };
  for (const version of ['1.0.0', '1.1.0', '2.0.0'])
    await reg.record(versionDraft('acme/chat', version, sha), by);
  await reg.promote({ model: 'acme/chat', version: '1.0.0', environment: 'production', ...by });
  return reg;
}

describe('registryBaseline', () => {
  it('takes the version gates.baseline names, with its recorded results', async () => {
    const reg = await registry();
    const production = await registryBaseline(reg, manifest('1.2.0'));
    expect(production).toMatchObject({ version: '1.0.0', source: 'production' });
    expect(production!.results.map((r) => r.kind)).toEqual(['openai-chat', 'openai-chat', 'evaluation']);
    expect(await registryBaseline(reg, manifest('1.2.0', 'previous'))).toMatchObject({
      version: '1.1.0',
      source: 'the previous version',
    });
    expect(await registryBaseline(reg, manifest('3.0.0', 'previous'))).toMatchObject({ version: '2.0.0' });
    expect(await registryBaseline(reg, manifest('3.0.0', '1.1.0'))).toMatchObject({
      version: '1.1.0',
      source: 'gates.baseline',
    });
  });

  it('has none for the version itself or an empty registry, and names a baseline that is not recorded', async () => {
    const reg = await registry();
    expect(await registryBaseline(reg, manifest('1.0.0'))).toBeUndefined();
    expect(await registryBaseline(reg, manifest('0.9.0', 'previous'))).toBeUndefined();
    const empty = new GitRegistry((await gitRepo()).dir);
    expect(await registryBaseline(empty, manifest('1.0.0'))).toBeUndefined();
    await expect(registryBaseline(reg, manifest('3.0.0', '1.5.0'))).rejects.toThrow(
      /gates\.baseline in model\.yml is 1\.5\.0, but acme\/chat@1\.5\.0 is not recorded/,
    );
  });
});

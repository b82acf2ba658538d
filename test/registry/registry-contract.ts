import { describe, expect, it } from 'vitest';
import type { ModelRegistry } from '../../core/registry/model-registry.js';
import type { BuildRecord } from '../../schemas/build-record.js';
import type { GateVerdict, Verdict } from '../../schemas/gate-verdict.js';
import type { VersionDraft } from '../../schemas/model-version.js';
import { accuracyRun, benchRun } from '../support/results-factory.js';

export interface RegistryFixture {
  registry: ModelRegistry;
  /** A commit the backend's repository holds, to record versions on. */
  commit(): Promise<string>;
}

const alice = { actor: 'alice', now: new Date('2026-11-23T10:00:00.000Z') };
const bob = { actor: 'bob', now: new Date('2026-11-23T11:00:00.000Z') };

export function buildRecord(model: string, version: string, target = 'cpu'): BuildRecord {
  return {
    schema_version: 1,
    model,
    version,
    target,
    platform: 'cpu',
    arch: 'amd64',
    server: 'openai',
    image: `127.0.0.1:5000/${model}:${version}-${target}`,
    tags: [`127.0.0.1:5000/${model}:${version}-${target}`],
    image_id: `sha256:${'1'.repeat(64)}`,
    digest: `sha256:${'2'.repeat(64)}`,
    pinned: `127.0.0.1:5000/${model}@sha256:${'2'.repeat(64)}`,
    pushed: true,
    size_bytes: 1000,
    layers: 3,
    duration_ms: 1200,
    dockerfile: 'dockerfiles/openai/cpu.Dockerfile',
    built_at: '2026-11-23T09:00:00.000Z',
  };
}

export function gateVerdict(verdict: Verdict): GateVerdict {
  return {
    schema_version: 1,
    verdict,
    confidence: 0.95,
    confidence_per_rule: 0.95,
    rules: [],
    testbed: { candidate: 'runner-1', baseline: 'runner-1', same: true, overridden: false },
    warnings: [],
  };
}

/** A version with a build, two benchmark runs, an evaluation and (when given) a gate verdict. */
export function versionDraft(
  model: string,
  version: string,
  sha: string,
  options: { verdict?: Verdict; against?: string; metadata?: Record<string, unknown> } = {},
): VersionDraft {
  return {
    model,
    version,
    git_sha: sha,
    metadata: options.metadata ?? { dataset: 'holdout-v2' },
    lineage: {
      ref: 'refs/heads/main',
      run_id: '42',
      run_url: 'https://github.com/acme/models/actions/runs/42',
    },
    ...(options.against ? { gated_against: options.against } : {}),
    records: {
      manifest: `name: ${model}\nversion: ${version}\n`,
      build: [buildRecord(model, version)],
      bench: [benchRun({ seed: 1, requests: 20 }), benchRun({ seed: 2, requests: 20 })],
      eval: [accuracyRun([true, false, true])],
      ...(options.verdict ? { gate: gateVerdict(options.verdict) } : {}),
    },
  };
}

/**
 * What every registry backend must do, whatever keeps its data: call it from a backend's test file
 * with a factory that makes an empty registry.
 */
export function registryContract(backend: string, setup: () => Promise<RegistryFixture>): void {
  describe(`${backend} registry contract`, () => {
    async function withVersions(versions: [string, Verdict?][]) {
      const fixture = await setup();
      const sha = await fixture.commit();
      for (const [version, verdict] of versions)
        await fixture.registry.record(versionDraft('acme/chat', version, sha, { verdict }), alice);
      return { ...fixture, sha };
    }

    it('records a version with its images, records and lineage, and reads the records back intact', async () => {
      const { registry, commit } = await setup();
      const sha = await commit();
      const draft = versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass', against: '0.9.0' });
      const { version, created } = await registry.record(draft, alice);
      expect(created).toBe(true);
      expect(version).toMatchObject({
        model: 'acme/chat',
        version: '1.0.0',
        git_sha: sha,
        state: 'candidate',
        environments: [],
        gate: { verdict: 'pass', against: '0.9.0' },
        images: { cpu: { image: '127.0.0.1:5000/acme/chat:1.0.0-cpu', digest: `sha256:${'2'.repeat(64)}` } },
        lineage: { run_id: '42' },
        metadata: { dataset: 'holdout-v2' },
        recorded_by: 'alice',
        recorded_at: '2026-11-23T10:00:00.000Z',
      });
      expect(version.records.map((r) => [r.kind, r.name])).toEqual([
        ['manifest', 'model.yml'],
        ['build', 'build-cpu.json'],
        ['bench', 'bench-chat-1.json'],
        ['bench', 'bench-chat-2.json'],
        ['eval', 'eval-holdout.json'],
        ['gate', 'gate.json'],
      ]);
      expect(await registry.get('acme/chat', '1.0.0')).toEqual(version);

      const records = await registry.records('acme/chat', '1.0.0');
      expect(records.bench.map((b) => b.seed)).toEqual([1, 2]);
      expect(records.bench[0]!.samples).toHaveLength(20);
      expect(records.eval[0]!.metrics.accuracy).toBeCloseTo(2 / 3);
      expect(records.gate?.verdict).toBe('pass');
      expect(records.build[0]!.target).toBe('cpu');
      expect(records.manifest).toBe('name: acme/chat\nversion: 1.0.0\n');
    });

    it('records the same version twice only when the content is the same (then nothing changes)', async () => {
      const { registry, sha } = await withVersions([['1.0.0', 'pass']]);
      const again = await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), bob);
      expect(again.created).toBe(false);
      expect(again.version.recorded_by).toBe('alice');
      await expect(
        registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'fail' }), bob),
      ).rejects.toThrow(
        /acme\/chat@1\.0\.0 is already recorded \(by alice .*\) with different gate, records/,
      );
      await expect(
        registry.record(
          versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass', metadata: { x: 1 } }),
          bob,
        ),
      ).rejects.toMatchObject({ code: 'version_exists' });
      expect(await registry.list()).toHaveLength(1);
    });

    it('refuses a draft that is not a version, or records that belong to another one', async () => {
      const { registry, commit } = await setup();
      const sha = await commit();
      await expect(registry.record(versionDraft('acme/chat', 'v1', sha), alice)).rejects.toThrow(
        /version must be a semantic version/,
      );
      const draft = versionDraft('acme/chat', '1.0.0', sha);
      draft.records.build = [buildRecord('acme/chat', '0.9.0')];
      await expect(registry.record(draft, alice)).rejects.toThrow(
        /build record of acme\/chat@0\.9\.0 \(cpu\) cannot be recorded as acme\/chat@1\.0\.0/,
      );
      expect(await registry.list()).toEqual([]);
    });

    it('lists by model and by state, and knows the latest by semantic version', async () => {
      const { registry, sha, commit } = await withVersions([['1.10.0'], ['1.2.0'], ['1.9.0-rc.1']]);
      await registry.record(versionDraft('acme/asr', '3.0.0', sha), alice);
      await registry.record(versionDraft('acme', '0.1.0', sha), alice);
      const chat = await registry.list({ model: 'acme/chat' });
      expect(chat.map((v) => v.version)).toEqual(['1.2.0', '1.9.0-rc.1', '1.10.0']);
      expect((await registry.list()).map((v) => `${v.model}@${v.version}`)).toEqual([
        'acme@0.1.0',
        'acme/asr@3.0.0',
        'acme/chat@1.2.0',
        'acme/chat@1.9.0-rc.1',
        'acme/chat@1.10.0',
      ]);
      expect((await registry.latest('acme/chat'))?.version).toBe('1.10.0');
      expect(await registry.latest('acme/none')).toBeUndefined();

      await registry.promote({ model: 'acme/chat', version: '1.2.0', environment: 'production', ...alice });
      await registry.promote({ model: 'acme', version: '0.1.0', environment: 'staging', ...alice });
      expect((await registry.list({ state: 'released' })).map((v) => `${v.model}@${v.version}`)).toEqual([
        'acme@0.1.0',
        'acme/chat@1.2.0',
      ]);
      expect((await registry.list({ model: 'acme/chat', state: 'candidate' })).map((v) => v.version)).toEqual(
        ['1.9.0-rc.1', '1.10.0'],
      );
      expect((await registry.list({ environment: 'staging' })).map((v) => v.model)).toEqual(['acme']);
      expect((await registry.latest('acme/chat', 'released'))?.version).toBe('1.2.0');
      expect(await registry.environments()).toEqual(
        expect.arrayContaining([
          { model: 'acme/chat', environment: 'production', version: '1.2.0' },
          { model: 'acme', environment: 'staging', version: '0.1.0' },
        ]),
      );
      expect(await registry.environments('acme')).toEqual([
        { model: 'acme', environment: 'staging', version: '0.1.0' },
      ]);
      // By commit: what a deployment of one commit is judged by.
      const later = await commit();
      await registry.record(versionDraft('acme/chat', '2.0.0', later), alice);
      expect((await registry.list({ gitSha: later })).map((v) => `${v.model}@${v.version}`)).toEqual([
        'acme/chat@2.0.0',
      ]);
      expect((await registry.list({ gitSha: sha })).map((v) => v.version)).toEqual([
        '0.1.0',
        '3.0.0',
        '1.2.0',
        '1.9.0-rc.1',
        '1.10.0',
      ]);
    });

    it('promotes a recorded version, keeping who, when, from what and why', async () => {
      const { registry } = await withVersions([
        ['1.0.0', 'pass'],
        ['1.1.0', 'pass'],
      ]);
      const first = await registry.promote({
        model: 'acme/chat',
        version: '1.0.0',
        environment: 'production',
        ...alice,
      });
      expect(first).toMatchObject({
        changed: true,
        entry: { seq: 1, from: null, to: '1.0.0', reason: 'promote' },
      });
      const second = await registry.promote({
        model: 'acme/chat',
        version: '1.1.0',
        environment: 'production',
        note: 'faster decoding',
        ...bob,
      });
      expect(second.entry).toEqual({
        seq: 2,
        model: 'acme/chat',
        environment: 'production',
        from: '1.0.0',
        to: '1.1.0',
        reason: 'promote',
        actor: 'bob',
        time: '2026-11-23T11:00:00.000Z',
        note: 'faster decoding',
      });
      expect((await registry.current('acme/chat', 'production'))?.version).toBe('1.1.0');
      expect(await registry.get('acme/chat', '1.1.0')).toMatchObject({
        state: 'released',
        environments: ['production'],
      });
      expect((await registry.get('acme/chat', '1.0.0'))?.state).toBe('candidate');
      expect(await registry.current('acme/chat', 'staging')).toBeUndefined();

      const again = await registry.promote({
        model: 'acme/chat',
        version: '1.1.0',
        environment: 'production',
        ...alice,
      });
      expect(again).toEqual({ changed: false, entry: second.entry });
      expect(await registry.history('acme/chat', 'production')).toHaveLength(2);
    });

    it('refuses to promote an unknown version, a failed gate without force, or a bad environment', async () => {
      const { registry } = await withVersions([['1.0.0', 'fail']]);
      const promote = { model: 'acme/chat', environment: 'production', ...alice };
      await expect(registry.promote({ ...promote, version: '2.0.0' })).rejects.toMatchObject({
        code: 'unknown_version',
        message: expect.stringMatching(/acme\/chat@2\.0\.0 is not recorded/),
      });
      await expect(registry.promote({ ...promote, version: '1.0.0' })).rejects.toMatchObject({
        code: 'gate_not_passed',
      });
      await expect(
        registry.promote({ ...promote, version: '1.0.0', environment: 'Prod Env' }),
      ).rejects.toMatchObject({ code: 'bad_environment' });
      expect(await registry.history('acme/chat', 'production')).toEqual([]);
      const forced = await registry.promote({
        ...promote,
        version: '1.0.0',
        force: true,
        note: 'incident 7',
      });
      expect(forced.entry).toMatchObject({ to: '1.0.0', note: 'incident 7' });
    });

    it('rolls back to the version that ran before, following the history, not the newest other one', async () => {
      const { registry } = await withVersions([
        ['1.0.0', 'pass'],
        ['1.1.0', 'pass'],
        ['2.0.0', 'pass'],
      ]);
      const at = { model: 'acme/chat', environment: 'production' };
      for (const version of ['1.0.0', '2.0.0', '1.1.0']) await registry.promote({ ...at, version, ...alice });
      const back = await registry.rollback({ ...at, note: 'p99 doubled', ...bob });
      expect(back).toMatchObject({
        changed: true,
        entry: { seq: 4, from: '1.1.0', to: '2.0.0', reason: 'rollback', actor: 'bob', note: 'p99 doubled' },
      });
      expect((await registry.current(at.model, at.environment))?.version).toBe('2.0.0');
      expect((await registry.rollback({ ...at, ...bob })).entry).toMatchObject({
        from: '2.0.0',
        to: '1.0.0',
      });
      await expect(registry.rollback({ ...at, ...bob })).rejects.toMatchObject({
        code: 'nothing_to_roll_back',
        message: expect.stringMatching(/has run only 1\.0\.0/),
      });
      await expect(registry.rollback({ ...at, environment: 'staging', ...bob })).rejects.toThrow(
        /never promoted/,
      );
      expect((await registry.history(at.model, at.environment)).map((e) => [e.reason, e.to])).toEqual([
        ['promote', '1.0.0'],
        ['promote', '2.0.0'],
        ['promote', '1.1.0'],
        ['rollback', '2.0.0'],
        ['rollback', '1.0.0'],
      ]);
    });

    it('rolls back from a named version once: run again, the rollback changes nothing', async () => {
      const { registry } = await withVersions([
        ['1.0.0', 'pass'],
        ['1.1.0', 'pass'],
      ]);
      const at = { model: 'acme/chat', environment: 'production' };
      for (const version of ['1.0.0', '1.1.0']) await registry.promote({ ...at, version, ...alice });
      const first = await registry.rollback({ ...at, from: '1.1.0', note: 'deploy of 1.1.0 failed', ...bob });
      expect(first).toMatchObject({
        changed: true,
        entry: { from: '1.1.0', to: '1.0.0', reason: 'rollback' },
      });
      const again = await registry.rollback({ ...at, from: '1.1.0', note: 'deploy of 1.1.0 failed', ...bob });
      expect(again).toEqual({ changed: false, entry: first.entry });
      expect((await registry.current(at.model, at.environment))?.version).toBe('1.0.0');
      expect(await registry.history(at.model, at.environment)).toHaveLength(3);
    });

    it('keeps environments of different models and environments apart', async () => {
      const { registry, sha } = await withVersions([['1.0.0'], ['1.1.0']]);
      await registry.record(versionDraft('acme', '1.0.0', sha), alice);
      await registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'staging', ...alice });
      await registry.promote({ model: 'acme/chat', version: '1.1.0', environment: 'staging', ...alice });
      await registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'production', ...alice });
      await registry.promote({ model: 'acme', version: '1.0.0', environment: 'staging', ...alice });
      expect((await registry.current('acme/chat', 'staging'))?.version).toBe('1.1.0');
      expect((await registry.current('acme/chat', 'production'))?.version).toBe('1.0.0');
      expect((await registry.current('acme', 'staging'))?.version).toBe('1.0.0');
      expect(await registry.history('acme', 'staging')).toHaveLength(1);
      expect((await registry.get('acme/chat', '1.0.0'))?.environments).toEqual(['production']);
    });
  });
}

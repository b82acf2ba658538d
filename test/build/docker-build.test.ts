import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContextDir } from '../../core/build/build-context.js';
import { buildImage } from '../../core/build/build-image.js';
import { DOCKER, inspectImage } from '../../core/build/docker.js';
import { IMAGE_USER } from '../../core/build/render-dockerfile.js';
import { loadManifest } from '../../core/manifest/load-manifest.js';
import { BuildRecord } from '../../schemas/build-record.js';
import { CHURN_INSTANCE } from '../support/churn-instance.js';
import { runCli } from '../support/run-cli.js';
import { services, serviceUnavailable } from '../support/services.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/build');
const REGISTRY = '127.0.0.1:5000/gantry-test';
const TEMPLATES = join(ROOT, 'dockerfiles');
// The REST server ships in dockerfiles/shared; until it is there, a small stand-in serves model.py.

const skip = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');
const folders: string[] = [];
const containers: string[] = [];

function docker(...args: string[]): string {
  return execFileSync(DOCKER, args, { encoding: 'utf8', timeout: 120_000 }).trim();
}

/** A copy of a model folder as its own git repository, so the build has a commit to label. */
function modelRepo(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-build-test-'));
  folders.push(dir);
  cpSync(source, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'model');
  return dir;
}

async function build(source: string, baseImage: string, buildkit = true) {
  const dir = modelRepo(source);
  const { manifest } = await loadManifest(join(dir, 'model.yml'));
  if (!manifest) throw new Error(`fixture ${source} is not a valid model`);
  return buildImage({
    modelDir: dir,
    manifest,
    target: manifest.targets[0]!,
    registry: REGISTRY,
    push: true,
    baseImage,
    timeoutMs: 300_000,
    templatesDir: TEMPLATES,
    buildkit,
  });
}

async function healthy(url: string, container: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let answered = false;
  while (Date.now() < deadline) {
    // A probe may hang while Docker's port forwarder resets connections the container cannot take yet.
    answered ||= await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    const state = docker('inspect', '--format', '{{.State.Health.Status}}', container);
    if (answered && state === 'healthy') return;
    if (state === 'unhealthy') throw new Error(`${container} is unhealthy: ${docker('logs', container)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${container} did not become healthy (answered: ${answered}): ${docker('logs', container)}`,
  );
}

/** Pulls the pushed image back by digest (after dropping local tags), starts it and waits for health. */
async function pullRunAndCheck(record: BuildRecord, healthPath: string, port: number) {
  expect(BuildRecord.parse(record)).toEqual(record);
  expect(record.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  for (const tag of record.tags) docker('rmi', tag);
  docker('pull', record.pinned!);
  const image = await inspectImage(record.pinned!);
  expect(image?.RepoDigests).toContain(record.pinned);
  expect(image?.Config.User).toBe(IMAGE_USER);
  expect(image?.Config.Labels).toMatchObject({
    'dev.gantry.model': record.model,
    'dev.gantry.version': record.version,
    'dev.gantry.target': record.target,
    'dev.gantry.platform': 'cpu',
    'dev.gantry.arch': 'amd64',
    'org.opencontainers.image.revision': record.git_sha,
    'org.opencontainers.image.base.name': record.base_image,
  });
  const container = docker('run', '-d', '-p', `127.0.0.1::${port}`, record.pinned!);
  containers.push(container);
  const mapped = docker('port', container, String(port)).split('\n')[0]!;
  await healthy(`http://${mapped}${healthPath}`, container);
  expect(docker('exec', container, 'id', '-u')).toBe('10001');
  return `http://${mapped}`;
}

const cli = (...argv: string[]) => runCli(argv, { cwd: ROOT });

afterAll(() => {
  for (const id of containers) spawnSync(DOCKER, ['rm', '-f', id], { stdio: 'ignore' });
  for (const dir of folders) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(buildContextDir(dir, 'cpu'), { recursive: true, force: true });
  }
});

describe.skipIf(skip)('gantry build on a real engine and registry', () => {
  beforeAll(() => {
    const registry = spawnSync('curl', ['-fsS', 'http://127.0.0.1:5000/v2/']);
    if (registry.status !== 0)
      throw new Error('no registry on 127.0.0.1:5000: run scripts/test-env.sh as root');
  });

  it('builds, pushes, pulls back by digest and runs the tabular-rest example', {
    timeout: 240_000,
  }, async () => {
    const record = await build(join(ROOT, 'examples/tabular-rest'), 'gantry-base/python:bookworm');
    expect(record).toMatchObject({ server: 'rest', pushed: true, dockerfile: 'dockerfiles/rest.Dockerfile' });
    expect(record.image).toBe(`${REGISTRY}/tabular-rest:1.0.0-cpu`);
    expect(record.tags[1]).toBe(`${REGISTRY}/tabular-rest:sha-${record.git_sha!.slice(0, 12)}-cpu`);
    expect(record.size_bytes).toBeGreaterThan(0);
    expect(record.layers).toBeGreaterThan(1);
    const url = await pullRunAndCheck(record, '/status', 8080);
    const instance = CHURN_INSTANCE;
    const predict = (body: unknown) =>
      fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify(body) });
    expect(await (await predict({ instance })).json()).toMatchObject({ prediction: { label: 'churn' } });
    // The image carries model.yml's input schema, so a bad request is refused, not guessed at.
    const refused = await predict({ instance: { ...instance, contract: 'weekly' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { path: string } }).error.path).toBe('$.instance.contract');
    // The whole labelled test set through the container: every row answered, better than the majority label.
    const evaluated = await cli(
      'eval',
      '--endpoint',
      url,
      '--suite',
      'churn-test',
      '--manifest',
      'examples/tabular-rest/model.yml',
      '--format',
      'json',
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout) as { metrics: { accuracy: number; failed: number } };
    const labels = readFileSync(join(ROOT, 'examples/tabular-rest/data/test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { label: string }).label);
    const majority =
      Math.max(...['stay', 'churn'].map((l) => labels.filter((x) => x === l).length)) / labels.length;
    expect(result.metrics.failed).toBe(0);
    expect(result.metrics.accuracy).toBeGreaterThan(majority + 0.05);
  });

  it('builds, runs and transcribes with the speech-asr example on pocketsphinx', {
    timeout: 240_000,
  }, async () => {
    // The image has pocketsphinx and its en-us model but no sox: the example's 16 kHz mono WAV needs none.
    const example = join(ROOT, 'examples/speech-asr');
    const record = await build(example, 'gantry-base/asr:bookworm');
    expect(record.dockerfile).toBe('dockerfiles/command.Dockerfile');
    const url = await pullRunAndCheck(record, '/health', 8000);
    // Speech made here as the example's eval/make_audio.py makes it (its audio is generated, not committed).
    const scratch = mkdtempSync(join(tmpdir(), 'gantry-speech-'));
    folders.push(scratch);
    const sentence = 'please call me when you get home tonight';
    execFileSync('espeak-ng', ['-v', 'en-us+klatt', '-s', '175', '-w', join(scratch, 'raw.wav'), sentence]);
    execFileSync('sox', [
      '-q',
      '-D',
      join(scratch, 'raw.wav'),
      '-c',
      '1',
      '-b',
      '16',
      join(scratch, 'clip.wav'),
      'gain',
      '-3',
      'rate',
      '16000',
      'pad',
      '0.3',
      '0.3',
    ]);
    const form = new FormData();
    const audio = readFileSync(join(scratch, 'clip.wav'));
    form.append('file', new Blob([audio], { type: 'audio/wav' }), '01.wav');
    const answer = await fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(answer.status).toBe(200);
    // "please call me when you get home tonight", as pocketsphinx hears espeak-ng: most words, not all.
    const { text } = (await answer.json()) as { text: string };
    const heard = ['call', 'when', 'you', 'get', 'home', 'tonight'].filter((w) =>
      text.split(/\s+/).includes(w),
    );
    expect(heard.length, `heard "${text}"`).toBeGreaterThanOrEqual(4);
  });

  it('builds and runs the OpenAI-compatible example on Node', { timeout: 240_000 }, async () => {
    const record = await build(join(ROOT, 'examples/chat-llm'), 'gantry-base/node:bookworm');
    const url = await pullRunAndCheck(record, '/health', 8000);
    // The official client streams a chat completion from the container, usage included.
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'chat-llm',
      messages: [{ role: 'user', content: 'tell me a story' }],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    expect(completionTokens).toBe(8);
    expect(text.trim().length).toBeGreaterThan(0);
  });

  it('builds the same template with the classic builder (no BuildKit)', { timeout: 240_000 }, async () => {
    const record = await build(join(FIXTURES, 'rest-model'), 'gantry-base/python:bookworm', false);
    expect(record.cache?.steps).toBeGreaterThan(0);
  });

  it('rejects an unknown target, naming the known ones', async () => {
    const result = await cli('build', join(FIXTURES, 'rest-model'), '--target', 'h200');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('doubler has no target "h200"; model.yml lists: cpu, cpu-arm');
  });

  it('names a missing Dockerfile override', async () => {
    const result = await cli('build', join(FIXTURES, 'missing-dockerfile'), '--target', 'own');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'model.yml:9:17: error: targets[0].dockerfile: "Dockerfile.missing" does not exist',
    );
    expect(result.stderr).toContain('has 2 problems; fix them first');
  });

  it('shows the failing step and its last lines when the Dockerfile fails', {
    timeout: 120_000,
  }, async () => {
    const result = await cli('build', join(FIXTURES, 'broken-model'), '--target', 'fails');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /step \[\d\/\d\] RUN echo the model cannot be prepared >&2 && exit 3 failed/,
    );
    expect(result.stderr).toContain('the model cannot be prepared');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('stops a build that runs past its timeout', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const result = await cli('build', join(FIXTURES, 'broken-model'), '--target', 'slow', '--timeout', '4');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ran past 4 s and was stopped during [2/2] RUN sleep 120');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('fails the build, recording nothing, when the registry refuses the push', {
    timeout: 120_000,
  }, async () => {
    const refusing: Server = createServer((_, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end('{"errors":[{"code":"DENIED","message":"pushes are not allowed here"}]}');
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const port = (refusing.address() as AddressInfo).port;
    const record = join(modelRepo(join(FIXTURES, 'rest-model')), 'record.json');
    try {
      const result = await cli(
        'build',
        join(FIXTURES, 'asr-model'),
        '--target',
        'cpu',
        '--base-image',
        'gantry-base/asr:bookworm',
        '--registry',
        `127.0.0.1:${port}/acme`,
        '--push',
        '--record',
        record,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `the registry refused the push of 127.0.0.1:${port}/acme/sphinx-asr:0.1.0-cpu`,
      );
      expect(existsSync(record)).toBe(false);
      expect(result.stdout).toBe('');
    } finally {
      refusing.close();
    }
  });

  it('says there is no Docker engine when there is none', () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/gantry.js'), 'build', join(FIXTURES, 'asr-model'), '--target', 'cpu'],
      { encoding: 'utf8', env: { ...process.env, GANTRY_DOCKER: '/nonexistent/docker' } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no Docker engine: /nonexistent/docker is not installed');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../core/manifest/load-manifest.js';
import { restServerManifest } from '../../core/serve/rest-server-manifest.js';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { selfSignedCertificate } from '../support/self-signed-certificate.js';
import { type ListeningProcess, startListening } from '../support/start-listening.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'tabular-rest');
const REST_SERVER = join(import.meta.dirname, '..', '..', 'dockerfiles', 'shared', 'rest_server.py');

interface Row {
  input: { instance: Record<string, number | string | boolean> };
  label: string;
}

const testRows: Row[] = readFileSync(join(EXAMPLE, 'data', 'test.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));

/** The label the committed weights give, computed here independently of model.py. */
function expectedLabel(instance: Row['input']['instance']): string {
  const w = JSON.parse(readFileSync(join(EXAMPLE, 'weights', 'churn-logistic.json'), 'utf8'));
  const x = [
    Number(instance.tenure_months),
    Number(instance.monthly_charges),
    Number(instance.support_calls),
    instance.contract === 'one_year' ? 1 : 0,
    instance.contract === 'two_year' ? 1 : 0,
    instance.paperless_billing ? 1 : 0,
  ];
  const z = x.reduce((sum, v, j) => sum + (w.coefficients[j] * (v - w.means[j])) / w.stds[j], w.intercept);
  return 1 / (1 + Math.exp(-z)) >= w.threshold ? w.labels[1] : w.labels[0];
}

interface Answer {
  model: { name: string; version: string };
  prediction: { label: string; probability: number };
  correlation_id?: string;
  extra_data?: unknown;
  error: { code: string; message: string; path?: string };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

describe('examples/tabular-rest behind Gantry REST server', () => {
  let dir: string;
  let manifest: ModelManifest;
  let server: ListeningProcess;

  const start = (manifestJson: unknown, extra: string[] = []) => {
    const file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(manifestJson));
    return startListening('python3', [
      '-B',
      REST_SERVER,
      '--model',
      join(EXAMPLE, 'model.py'),
      '--manifest-json',
      file,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      ...extra,
    ]);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-tabular-'));
    manifest = (await loadManifest(join(EXAMPLE, 'model.yml'))).manifest!;
    server = await start(restServerManifest(manifest));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('predicts the labelled test set with the accuracy its weights give', async () => {
    const answers = await Promise.all(testRows.map((row) => post(server.url, row.input)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const predicted = answers.map((a) => a.body.prediction.label);
    expect(predicted).toEqual(testRows.map((row) => expectedLabel(row.input.instance)));
    const accuracy = predicted.filter((label, i) => label === testRows[i]!.label).length / testRows.length;
    const expected =
      testRows.filter((row) => expectedLabel(row.input.instance) === row.label).length / testRows.length;
    expect(accuracy).toBe(expected);
    // A real model, not a constant: better than always answering the most common label.
    const majority = Math.max(
      ...['stay', 'churn'].map((l) => testRows.filter((row) => row.label === l).length / testRows.length),
    );
    expect(accuracy).toBeGreaterThan(majority + 0.05);
  });

  it("answers model.yml's examples", async () => {
    for (const example of manifest.examples) {
      const { status, body } = await post(server.url, example.input);
      const want = example.output as { model: unknown; prediction: { label: string; probability: number } };
      expect(status).toBe(200);
      expect(body.model).toEqual(want.model);
      expect(body.prediction.label).toBe(want.prediction.label);
      expect(Math.abs(body.prediction.probability - want.prediction.probability)).toBeLessThanOrEqual(
        example.tolerance,
      );
    }
  });

  it('rejects input outside the schema with 400 naming the field', async () => {
    const instance = testRows[0]!.input.instance;
    const wrongType = await post(server.url, { instance: { ...instance, tenure_months: 'ten' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toMatchObject({ code: 'invalid_input', path: '$.instance.tenure_months' });
    expect(wrongType.body.error.message).toContain('must be integer');

    const { contract: _, ...missing } = instance;
    const absent = await post(server.url, { instance: missing });
    expect(absent.status).toBe(400);
    expect(absent.body.error).toMatchObject({
      path: '$.instance.contract',
      message: '$.instance.contract is required',
    });

    const outOfEnum = await post(server.url, { instance: { ...instance, contract: 'weekly' } });
    expect(outOfEnum.body.error.path).toBe('$.instance.contract');
    expect(outOfEnum.body.error.message).toContain('"monthly", "one_year", "two_year"');

    const unknown = await post(server.url, { instance: { ...instance, age: 40 } });
    expect(unknown.body.error).toMatchObject({
      path: '$.instance.age',
      message: '$.instance.age is not an allowed property',
    });

    expect((await post(server.url, '{"instance": ')).body.error.code).toBe('invalid_json');
    expect((await post(server.url, { features: instance })).body.error.path).toBe('$.instance');
  });

  it('echoes correlation_id and passes extra_data through untouched', async () => {
    const extra = { trace: [1, 2.5, null, { deep: 'ü' }], flag: false };
    const { status, body } = await post(server.url, {
      instance: testRows[1]!.input.instance,
      correlation_id: 'req-42',
      extra_data: extra,
    });
    expect(status).toBe(200);
    expect(body.correlation_id).toBe('req-42');
    expect(body.extra_data).toEqual(extra);
    expect(body.model).toEqual({ name: 'tabular-rest', version: '1.0.0' });
  });

  it('answers 404 when the request names another model or version, and serves its own', async () => {
    const instance = testRows[0]!.input.instance;
    const other = await post(server.url, { instance, model: { name: 'other-model' } });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('model_not_found');
    const otherVersion = await post(server.url, {
      instance,
      model: { name: 'tabular-rest', version: '2.0.0' },
    });
    expect(otherVersion.status).toBe(404);
    expect(otherVersion.body.error.message).toContain('not version 2.0.0');
    const own = await post(server.url, { instance, model: { name: 'tabular-rest', version: '1.0.0' } });
    expect(own.status).toBe(200);
  });

  it('reports status and identity', async () => {
    const status = await (await fetch(`${server.url}/status`)).json();
    expect(status).toEqual({ status: 'ok', name: 'tabular-rest', version: '1.0.0' });
    const info = (await (await fetch(`${server.url}/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ name: 'tabular-rest', version: '1.0.0', description: manifest.description });
    expect(info.input_schema).toEqual(manifest.schema!.input);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });

  it('serves HTTPS with a configured certificate and key', async () => {
    const { key, cert } = selfSignedCertificate(dir, '127.0.0.1', 'IP:127.0.0.1');
    const tls = await start(restServerManifest(manifest), ['--tls-cert', cert, '--tls-key', key]);
    try {
      expect(tls.url).toMatch(/^https:\/\//);
      const body = await new Promise<string>((resolve, reject) => {
        request(`${tls.url}/status`, { ca: readFileSync(cert) }, (response) => {
          let text = '';
          response.on('data', (part) => {
            text += part;
          });
          response.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body)).toMatchObject({ status: 'ok', name: 'tabular-rest' });
    } finally {
      await tls.stop();
    }
  });

  it('refuses to start with a schema keyword it cannot check', async () => {
    const bad = { ...restServerManifest(manifest), input_schema: { type: 'object', patternProperties: {} } };
    await expect(start(bad)).rejects.toThrow(/keyword "patternProperties" is not supported/);
  });
});

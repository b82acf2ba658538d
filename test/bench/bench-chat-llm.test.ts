import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/bench/resolve-profile.js';
import { runBenchmark } from '../../core/bench/run-benchmark.js';
import { BenchResults } from '../../schemas/bench-results.js';
import { type RunningServer, startChatLlm } from '../support/chat-llm-server.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const TTFT = 40;
const TPOT = 5;

function bench(
  endpoint: string,
  flags: Parameters<typeof resolveProfile>[0],
  signal = new AbortController().signal,
) {
  return runBenchmark({
    kind: flags.kind!,
    endpoint,
    profile: resolveProfile(flags),
    seed: 1,
    signal,
    cwd: process.cwd(),
    env: {},
  });
}

describe('gantry bench against the chat-llm example (real HTTP)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startChatLlm({ 'ttft-ms': TTFT, 'tpot-ms': TPOT, 'max-num-seqs': 64 });
  });
  afterAll(() => server.stop());

  it('measures the configured TTFT, TPOT and ITL (closed loop, 8 streams)', async () => {
    const results = await bench(server.url, {
      kind: 'openai-chat',
      concurrency: 8,
      requests: 48,
      warmup: 8,
      outputTokens: 20,
      inputTokens: 32,
    });
    const s = results.summary;
    expect(s.completed).toBe(48);
    expect(s.failed).toBe(0);
    expect(s.tokens_source).toBe('usage');
    expect(s.output_tokens).toBe(48 * 20);
    // Bounds: nothing can arrive before its deadline, so no measurement may undercut the configured
    // time; above it, request transfer and parsing (~1.5 ms on an idle machine) plus scheduling noise
    // of a shared 2-core machine. TPOT and ITL come from absolute deadlines and stay tight.
    expect(s.ttft_ms!.min).toBeGreaterThanOrEqual(TTFT - 0.1);
    expect(s.ttft_ms!.p50 - TTFT).toBeLessThan(10);
    expect(Math.abs(s.tpot_ms!.p50 - TPOT)).toBeLessThan(0.5);
    expect(Math.abs(s.itl_ms!.p50 - TPOT)).toBeLessThan(1);
    expect(s.e2el_ms!.p50 - (TTFT + 19 * TPOT)).toBeLessThan(10);
    expect(s.e2el_ms!.min).toBeGreaterThanOrEqual(TTFT + 19 * TPOT - 0.1);
    expect(s.itl_ms!.n).toBe(48 * 19);
    expect(BenchResults.safeParse(JSON.parse(JSON.stringify(results))).success).toBe(true);
  });

  it('open loop at a constant rate: sends on schedule, latencies also from the scheduled time', async () => {
    const results = await bench(server.url, {
      kind: 'openai-completions',
      rate: 100,
      arrivals: 'constant',
      requests: 50,
      outputTokens: 4,
    });
    const s = results.summary;
    expect(s.completed).toBe(50);
    expect(s.offered_rate).toBe(100);
    expect(s.achieved_rate!).toBeGreaterThan(95);
    expect(s.rate_shortfall).toBe(false);
    expect(s.from_scheduled!.ttft_ms!.p50).toBeGreaterThanOrEqual(s.ttft_ms!.p50);
    const sends = results.samples.map((r) => r.sent_ms - r.scheduled_ms).sort((a, b) => a - b);
    // A busy 2-core runner delays timers by a few ms; a client that ignored its schedule would lag by
    // whole inter-arrival gaps (10 ms here) and more as the run goes on.
    expect(sends[Math.floor(sends.length / 2)]!).toBeLessThan(5);
  });

  it('reports the wait for a concurrency slot separately', async () => {
    const results = await bench(server.url, {
      kind: 'openai-completions',
      rate: 200,
      arrivals: 'constant',
      maxConcurrency: 2,
      requests: 12,
      outputTokens: 2,
    });
    const s = results.summary;
    expect(s.slot_wait_ms!.max).toBeGreaterThan(100);
    // From send, latency stays the server's; from the schedule it includes the slot wait.
    expect(s.ttft_ms!.p50).toBeLessThan(TTFT + 5);
    expect(s.from_scheduled!.e2el_ms!.max).toBeGreaterThan(s.e2el_ms!.max + 100);
  });

  it('writes a results file through the CLI that validates against the committed JSON schema', async () => {
    const dir = tempDir();
    const out = join(dir, 'results.json');
    const run = await runCli([
      'bench',
      '--endpoint',
      server.url,
      '--kind',
      'openai-chat',
      '--concurrency',
      '4',
      '--requests',
      '8',
      '--output-tokens',
      '3',
      '--slo',
      'ttft:1000,tpot:100',
      '--out',
      out,
    ]);
    expect(run.stderr).not.toMatch(/unexpected/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ttft_ms/);
    const results = BenchResults.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(results.summary.goodput_per_s).toBeGreaterThan(0);
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../schemas/bench-results.schema.json'), 'utf8'),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['summary', 'samples', 'environment', 'client']));
  });

  it('runs a model.yml profile and gives clear errors for bad input (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.jsonl'), '{"prompt":"hi"}\n{oops\n');
    const bad = await runCli([
      'bench',
      '--endpoint',
      server.url,
      '--kind',
      'openai-chat',
      '--dataset',
      join(dir, 'bad.jsonl'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl:2: not valid JSON/);
    const refused = await runCli(['bench', '--endpoint', 'http://127.0.0.1:1', '--kind', 'rest']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1: connection refused/);
    const noProfile = await runCli([
      'bench',
      '--endpoint',
      server.url,
      '--manifest',
      join(import.meta.dirname, '../../examples/chat-llm/model.yml'),
      '--profile',
      'nope',
    ]);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toMatch(/no benchmark profile "nope" \(profiles: chat, chat-poisson\)/);
  });

  it('a server killed mid-run gives a complete results file with the failures counted', async () => {
    const doomed = await startChatLlm({ 'ttft-ms': 10, 'tpot-ms': 10 });
    setTimeout(() => doomed.process.kill('SIGKILL'), 400);
    const results = await bench(doomed.url, {
      kind: 'openai-chat',
      concurrency: 4,
      requests: 200,
      outputTokens: 10,
      timeout: 2,
    });
    await doomed.stop();
    const s = results.summary;
    expect(s.completed).toBeGreaterThan(0);
    expect(s.failed).toBeGreaterThan(0);
    expect(s.completed + s.failed).toBe(200);
    expect(Object.keys(s.errors).every((k) => ['connection', 'malformed'].includes(k))).toBe(true);
    expect(s.ttft_ms!.n).toBe(s.completed);
    expect(BenchResults.safeParse(JSON.parse(JSON.stringify(results))).success).toBe(true);
  });
});

// How close Gantry's measured TTFT, ITL and TPOT come to what chat-llm is configured to do, at 1, 64
// and 256 concurrent streams. chat-llm emits each token at an absolute deadline (sequence start + TTFT
// + i × TPOT), so the configured timings are the truth. Where the measurement misses it, chat-llm's own
// record (GET /timing) splits the miss: the server's side (request headers in → first token written,
// and how late each token was written past its deadline) against the rest, which is the client's send
// and receive path and the kernel's loopback between them.
// Run with `npm run bench:accuracy`; writes bench/results/accuracy.json.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { HttpTarget } from '../core/bench/http-target.js';
import { requestBuilder } from '../core/bench/request-bodies.js';
import { resolveProfile } from '../core/bench/resolve-profile.js';
import { runBenchmark } from '../core/bench/run-benchmark.js';
import type { BenchResults } from '../schemas/bench-results.js';
import { startChatLlm } from '../test/support/chat-llm-server.js';

const TTFT_MS = 50;
const TPOT_MS = 10;
const TOKENS = 32;
const LEVELS = [1, 64, 256];
const ROUNDS_PER_STREAM = 3;
/** How long one request streams: TTFT, then a token every TPOT. */
const REQUEST_MS = TTFT_MS + (TOKENS - 1) * TPOT_MS;
const TARGET_MS = 0.5;
const root = join(import.meta.dirname, '..');

async function measure(
  url: string,
  streams: number,
  requests: number,
  warmup: number,
): Promise<BenchResults> {
  return runBenchmark({
    kind: 'openai-chat',
    endpoint: url,
    profile: resolveProfile({
      kind: 'openai-chat',
      // One stream is a closed loop. More are kept in flight by constant arrivals at streams / request
      // time (Little's law): a closed loop would start them all at once, and every round would then hit
      // the server as one burst, measuring its queue rather than our timing.
      ...(streams === 1
        ? { concurrency: 1 }
        : { rate: streams / (REQUEST_MS / 1000), arrivals: 'constant' as const }),
      requests,
      warmup,
      outputTokens: TOKENS,
      inputTokens: 16,
    }),
    seed: 0,
    signal: new AbortController().signal,
    cwd: root,
    env: {},
  });
}

interface Percentiles {
  n: number;
  p50: number;
  p99: number;
}

/** chat-llm's record of what it did since the last reading, and a fresh start. */
async function serverTiming(url: string): Promise<{ first_token_ms: Percentiles; late_ms: Percentiles }> {
  const response = await fetch(`${url}/timing?reset=1`);
  return (await response.json()) as { first_token_ms: Percentiles; late_ms: Percentiles };
}

/**
 * The floor under any Node client, taken in turn with Gantry's HTTP client so that both meet the same
 * moment of a shared machine: the streamed request written by hand on a keep-alive socket, TTFT taken at
 * the first socket read that holds content (no HTTP library, no SSE parser, no recording), then the same
 * request through Gantry's client, and again.
 */
async function pairedFloor(url: string, pairs: number): Promise<{ raw: number[]; gantry: number[] }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), noDelay: true });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const prepared = requestBuilder(
    'openai-chat',
    { input_tokens: 16, output_tokens: TOKENS, spread: 0 },
    0,
    undefined,
    'chat-llm',
  )(0);
  const body = prepared.body as string;
  const request = `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const rawOnce = () =>
    new Promise<number>((resolve) => {
      let first: number | undefined;
      let seen = '';
      const onData = (part: Buffer) => {
        const now = performance.now();
        seen += part.toString('latin1');
        if (first === undefined && /"content":"[^"]/.test(seen)) first = now;
        // The chunked body ends with a zero-length chunk.
        if (seen.endsWith('\r\n0\r\n\r\n')) {
          socket.off('data', onData);
          resolve(first! - sent);
        }
      };
      socket.on('data', onData);
      const sent = performance.now();
      socket.write(request);
    });
  const target = new HttpTarget(url, '/v1/chat/completions', 1, new AbortController().signal);
  const raw: number[] = [];
  const gantry: number[] = [];
  for (let i = 0; i < pairs; i++) {
    raw.push(await rawOnce());
    const exchange = await target.send(prepared, 10_000);
    if (exchange.error || !exchange.contentTimes?.length)
      throw new Error(`Gantry's client failed: ${JSON.stringify(exchange.error)}`);
    gantry.push(exchange.contentTimes[0]! - exchange.sentAt);
  }
  socket.destroy();
  await target.close();
  return { raw, gantry };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Room for twice the most streams: constant arrivals keep 256 in flight on average, not at most, and a
// server that queued the excess would add its queue to every TTFT.
const server = await startChatLlm({
  'ttft-ms': TTFT_MS,
  'tpot-ms': TPOT_MS,
  'max-num-seqs': 2 * Math.max(...LEVELS),
});
const rows = [];
let floor: Record<string, unknown> & {
  ttft_error_ms: { p50: number };
  gantry_client_ttft_error_ms: { p50: number };
  gantry_minus_raw_ms: { p50: number };
  kernel_and_node_socket_ms: { p50: number };
};
try {
  for (const streams of LEVELS) {
    // Warm the connections and the JIT, then read only what the measured run did.
    await measure(server.url, streams, streams, 0);
    await serverTiming(server.url);
    const run = await measure(server.url, streams, Math.max(30, streams * ROUNDS_PER_STREAM), 0);
    const seen = await serverTiming(server.url);
    const s = run.summary;
    const ttft = s.ttft_ms!;
    const itl = s.itl_ms!;
    rows.push({
      streams,
      requests: s.completed,
      failed: s.failed,
      ttft_ms: { p50: ttft.p50, p99: ttft.p99, min: ttft.min },
      ttft_error_ms: { p50: ttft.p50 - TTFT_MS, p99: ttft.p99 - TTFT_MS },
      itl_ms: { n: itl.n, p50: itl.p50, p99: itl.p99 },
      itl_error_ms: { p50: itl.p50 - TPOT_MS, p99: itl.p99 - TPOT_MS },
      tpot_error_ms: { p50: s.tpot_ms!.p50 - TPOT_MS },
      server: {
        first_token_ms: seen.first_token_ms,
        first_token_over_configured_ms: { p50: seen.first_token_ms.p50 - TTFT_MS },
        token_late_ms: seen.late_ms,
      },
      // What the server's handler cannot see: the request leaving the client, reaching a server whose
      // event loop may be busy, and the first chunk's way back.
      client_and_kernel_ms: { p50: ttft.p50 - seen.first_token_ms.p50 },
      client: {
        event_loop_delay_p99_ms: run.client.event_loop_delay_ms.p99,
        cpu_percent: run.client.cpu_percent,
        saturated: run.client.saturated,
      },
    });
  }
  await pairedFloor(server.url, 5);
  await serverTiming(server.url);
  const paired = await pairedFloor(server.url, 30);
  const seen = await serverTiming(server.url);
  floor = {
    streams: 1,
    pairs: paired.raw.length,
    ttft_ms: { p50: median(paired.raw) },
    ttft_error_ms: { p50: median(paired.raw) - TTFT_MS },
    gantry_client_ttft_error_ms: { p50: median(paired.gantry) - TTFT_MS },
    gantry_minus_raw_ms: { p50: median(paired.gantry.map((t, i) => t - paired.raw[i]!)) },
    server_first_token_ms: { p50: seen.first_token_ms.p50 },
    kernel_and_node_socket_ms: { p50: median(paired.raw) - seen.first_token_ms.p50 },
  };
} finally {
  await server.stop();
}

const report = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), load_average: loadavg()[0] },
  configured: { ttft_ms: TTFT_MS, tpot_ms: TPOT_MS, output_tokens: TOKENS },
  target_error_p50_ms: TARGET_MS,
  rows,
  raw_socket_floor: floor!,
};
writeFileSync(join(root, 'bench', 'results', 'accuracy.json'), `${JSON.stringify(report, null, 2)}\n`);

const f = (n: number, width = 8) => n.toFixed(3).padStart(width);
const ok = (error: number) => (Math.abs(error) <= TARGET_MS ? ' ' : '*');
console.log(
  `Timing accuracy against chat-llm (TTFT ${TTFT_MS} ms, TPOT ${TPOT_MS} ms, ${TOKENS} tokens; ${report.machine.cores} cores, load ${report.machine.load_average?.toFixed(1)})`,
);
console.log(`error = measured − configured, ms; * = past the ${TARGET_MS} ms target at p50`);
const head = [
  ['streams', 7],
  ['n', 5],
  ['TTFT p50', 9],
  ['err p50', 9],
  ['err p99', 8],
  ['ITL p50', 9],
  ['err p50', 9],
  ['err p99', 8],
  ['TPOT err', 9],
  ['srv over', 9],
  ['srv late50', 10],
  ['srv late99', 10],
  ['cli+kern', 9],
  ['loop p99', 9],
] as const;
console.log(head.map(([name, width]) => name.padStart(width)).join(' '));
for (const r of rows)
  console.log(
    [
      String(r.streams).padStart(7),
      String(r.requests).padStart(5),
      f(r.ttft_ms.p50, 9),
      f(r.ttft_error_ms.p50) + ok(r.ttft_error_ms.p50),
      f(r.ttft_error_ms.p99),
      f(r.itl_ms.p50, 9),
      f(r.itl_error_ms.p50) + ok(r.itl_error_ms.p50),
      f(r.itl_error_ms.p99),
      f(r.tpot_error_ms.p50, 9),
      f(r.server.first_token_over_configured_ms.p50, 9),
      f(r.server.token_late_ms.p50, 10),
      f(r.server.token_late_ms.p99, 10),
      f(r.client_and_kernel_ms.p50, 9),
      f(r.client.event_loop_delay_p99_ms, 9),
    ].join(' '),
  );
console.log(
  `raw socket and Gantry's client in turn, 1 stream, ${floor!.pairs} pairs: TTFT err p50 raw ${f(floor!.ttft_error_ms.p50, 0)} ms (of which kernel + Node's socket layer ${f(floor!.kernel_and_node_socket_ms.p50, 0)} ms, the rest is the server), Gantry ${f(floor!.gantry_client_ttft_error_ms.p50, 0)} ms, Gantry − raw per pair p50 ${f(floor!.gantry_minus_raw_ms.p50, 0)} ms`,
);
console.log('srv over = server: request headers in → first token written, minus the configured TTFT (p50)');
console.log("srv late = server: each token's write past its deadline (scheduler wake-ups), p50 / p99");
console.log(
  "cli+kern = client TTFT p50 − server first-token p50: outside the server's handler (client send and receive path, loopback, a busy server's wait before its handler runs)",
);
console.log("loop p99 = the client's event-loop delay p99 (10 ms resolution)");
console.log('wrote bench/results/accuracy.json');

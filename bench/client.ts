// The ceiling of Gantry's own benchmark client, so that no figure it reports is really the client's.
// 1. requests/s against a minimal local HTTP server: Gantry's client (run-load + http-target, every
//    request recorded as a sample and summarised) next to autocannon, same server, same request, same
//    connections, one after the other in this run; with the floors under it: Gantry's HTTP client in a
//    bare loop, and undici (the library Node's fetch is built on) in the same loop.
// 2. tokens/s of the SSE parser: on recorded chat-llm stream bytes (the parser alone, one core), and
//    end to end against chat-llm with zero token delay (stated per second of wall time and per second of
//    the client's CPU time, i.e. on one core).
// Run with `npm run bench:client`; writes bench/results/client.json.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { HttpTarget } from '../core/bench/http-target.js';
import { resolveProfile } from '../core/bench/resolve-profile.js';
import { runBenchmark } from '../core/bench/run-benchmark.js';
import { SseParser } from '../core/bench/sse-parser.js';
import { startChatLlm } from '../test/support/chat-llm-server.js';
import { startListening } from '../test/support/start-listening.js';

const CONNECTIONS = 50;
const DURATION_S = 3;
/** Rounds of the clients in turn; medians reported, since others share this machine's cores. */
const ROUNDS = 5;
const REQUEST_BODY = '{"features":[1,2,3]}';
const STREAM_TOKENS = 2000;
const STREAMS = 8;
const STREAM_REQUESTS = 200;
const PARSER_SECONDS = 3;
const TARGETS = { requestsRatio: 1.0, parserTokensPerS: 1e6 };
const root = join(import.meta.dirname, '..');

// One process, no framework: answers every request with a short JSON body.
const MINIMAL_SERVER = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 }); res.end('{"ok":true}'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

async function autocannon(url: string): Promise<{ requestsPerS: number; requests: number; errors: number }> {
  const bin = join(root, 'node_modules', 'autocannon', 'autocannon.js');
  const args = [bin, '--json', '-c', String(CONNECTIONS), '-d', String(DURATION_S), '-m', 'POST'];
  args.push('-H', 'content-type=application/json', '-b', REQUEST_BODY, `${url}/predict`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout!.on('data', (part: Buffer) => {
    output += part.toString();
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const result = JSON.parse(output) as {
    requests: { total: number; average: number };
    duration: number;
    errors: number;
    non2xx: number;
  };
  return {
    requestsPerS: result.requests.total / result.duration,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
  };
}

/** The floor under Gantry's client: its HTTP client in a bare loop, nothing recorded or summarised. */
async function bareLoop(url: string): Promise<{ requestsPerS: number }> {
  const target = new HttpTarget(url, '/predict', CONNECTIONS, new AbortController().signal);
  const request = { body: REQUEST_BODY, contentType: 'application/json', stream: false };
  const until = performance.now() + DURATION_S * 1000;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      await target.send(request, 30_000);
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  await target.close();
  return { requestsPerS: done / seconds };
}

/** The same loop on an undici Pool: what a client built on Node's usual HTTP library reaches. */
async function undiciLoop(url: string): Promise<{ requestsPerS: number }> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const until = performance.now() + DURATION_S * 1000;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      const response = await pool.request({
        method: 'POST',
        path: '/predict',
        headers: { 'content-type': 'application/json' },
        body: REQUEST_BODY,
      });
      await response.body.text();
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requestsPerS: done / seconds };
}

async function gantryClient(url: string) {
  const cpu = process.cpuUsage();
  const results = await runBenchmark({
    kind: 'rest',
    endpoint: url,
    profile: resolveProfile({ kind: 'rest', concurrency: CONNECTIONS, duration: DURATION_S }),
    seed: 0,
    signal: new AbortController().signal,
    cwd: root,
    env: {},
  });
  const used = process.cpuUsage(cpu);
  return {
    requestsPerS: results.summary.requests_per_s,
    requests: results.samples.length,
    failed: results.summary.failed,
    samplesRecorded: results.samples.length,
    cpuPercent: results.client.cpu_percent,
    cpuS: (used.user + used.system) / 1e6,
  };
}

/** One streamed chat completion's body as the socket delivered it, read by read. */
async function recordStream(url: string): Promise<Buffer[]> {
  const pool = new Pool(url, { connections: 1 });
  const response = await pool.request({
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'chat-llm',
      messages: [{ role: 'user', content: 'count' }],
      max_tokens: STREAM_TOKENS,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  const reads: Buffer[] = [];
  for await (const part of response.body) reads.push(part as Buffer);
  await pool.close();
  return reads;
}

/** Re-splits a stream into one read per event: the worst case, as when every token has its own packet. */
function eventByEvent(reads: Buffer[]): Buffer[] {
  const all = Buffer.concat(reads);
  const events: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = all.indexOf('\n\n', start);
    if (end < 0) break;
    events.push(all.subarray(start, end + 2));
    start = end + 2;
  }
  return events;
}

/** Tokens/s the parser sustains on this core, feeding the same recorded stream again and again. */
function parserRate(reads: Buffer[]): {
  tokensPerS: number;
  tokensPerCpuS: number;
  mbPerS: number;
  tokensPerStream: number;
} {
  const bytes = reads.reduce((n, r) => n + r.length, 0);
  let tokens = 0;
  let streams = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let now = started;
  while (now - started < PARSER_SECONDS * 1000) {
    for (let i = 0; i < 20; i++) {
      const parser = new SseParser();
      for (const read of reads) parser.push(read, now);
      if (!parser.done || parser.contentTimes.length !== STREAM_TOKENS)
        throw new Error(`the parser saw ${parser.contentTimes.length} content events, not ${STREAM_TOKENS}`);
      tokens += parser.usage?.completionTokens ?? 0;
      streams++;
    }
    now = performance.now();
  }
  const seconds = (now - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    // Others share this machine: CPU time is what the parser had of a core, wall time what it got done.
    tokensPerCpuS: tokens / ((used.user + used.system) / 1e6),
    tokensPerS: tokens / seconds,
    mbPerS: (streams * bytes) / seconds / 1e6,
    tokensPerStream: tokens / streams,
  };
}

async function endToEndTokens(url: string, requests = STREAM_REQUESTS) {
  const cpu = process.cpuUsage();
  const results = await runBenchmark({
    kind: 'openai-chat',
    endpoint: url,
    profile: resolveProfile({
      kind: 'openai-chat',
      concurrency: STREAMS,
      requests,
      outputTokens: STREAM_TOKENS,
      inputTokens: 8,
    }),
    seed: 0,
    signal: new AbortController().signal,
    cwd: root,
    env: {},
  });
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  const tokens = results.summary.output_tokens ?? 0;
  return {
    tokensPerS: results.summary.output_tokens_per_s ?? 0,
    tokensPerClientCpuS: tokens / cpuS,
    tokens,
    failed: results.summary.failed,
    clientCpuPercent: results.client.cpu_percent,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

const minimal = await startListening(process.execPath, ['-e', MINIMAL_SERVER]);
let roundFigures: { autocannon: number; gantry: number; bare: number; undici: number }[] = [];
let requests: {
  gantry: Awaited<ReturnType<typeof gantryClient>>;
  autocannon: Awaited<ReturnType<typeof autocannon>>;
  bare: Awaited<ReturnType<typeof bareLoop>>;
  undici: Awaited<ReturnType<typeof undiciLoop>>;
};
try {
  // The clients take turns against the same warm server, round after round, so that a burst of load
  // from elsewhere on the machine hits all of them alike; each figure is the median of its rounds.
  await bareLoop(minimal.url);
  await undiciLoop(minimal.url);
  const rounds: (typeof requests)[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // The order turns each round, so that no client always follows the same one.
    const order = ['autocannon', 'gantry', 'bare', 'undici'].map(
      (_, i, all) => all[(i + round) % all.length]!,
    );
    const figures: Partial<(typeof rounds)[number]> = {};
    for (const name of order) {
      if (name === 'autocannon') figures.autocannon = await autocannon(minimal.url);
      else if (name === 'gantry') figures.gantry = await gantryClient(minimal.url);
      else if (name === 'bare') figures.bare = await bareLoop(minimal.url);
      else figures.undici = await undiciLoop(minimal.url);
    }
    rounds.push(figures as (typeof rounds)[number]);
  }
  const middle = <T extends { requestsPerS: number }>(pick: (r: (typeof rounds)[number]) => T): T =>
    rounds.map(pick).sort((a, b) => a.requestsPerS - b.requestsPerS)[Math.floor(ROUNDS / 2)]!;
  requests = {
    autocannon: middle((r) => r.autocannon),
    gantry: middle((r) => r.gantry),
    bare: middle((r) => r.bare),
    undici: middle((r) => r.undici),
  };
  roundFigures = rounds.map((r) => ({
    autocannon: Math.round(r.autocannon.requestsPerS),
    gantry: Math.round(r.gantry.requestsPerS),
    bare: Math.round(r.bare.requestsPerS),
    undici: Math.round(r.undici.requestsPerS),
  }));
} finally {
  await minimal.stop();
}

const chat = await startChatLlm({ 'ttft-ms': 0, 'tpot-ms': 0, 'spin-ms': 0 });
let parser: ReturnType<typeof parserRate>;
let parserPerEvent: ReturnType<typeof parserRate>;
let endToEnd: Awaited<ReturnType<typeof endToEndTokens>>;
let readsPerStream: number;
try {
  const reads = await recordStream(chat.url);
  readsPerStream = reads.length;
  parser = parserRate(reads);
  parserPerEvent = parserRate(eventByEvent(reads));
  // A short run first, so that the measured one is not also the compiler's warm-up.
  await endToEndTokens(chat.url, STREAMS * 2);
  endToEnd = await endToEndTokens(chat.url);
} finally {
  await chat.stop();
}

const ratio = requests.gantry.requestsPerS / requests.autocannon.requestsPerS;
const report = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), load_average: loadavg()[0] },
  requests: {
    server: 'minimal node:http server, one process, 11-byte JSON answer',
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    rounds: roundFigures,
    gantry_requests_per_s: requests.gantry.requestsPerS,
    gantry_samples_recorded: requests.gantry.samplesRecorded,
    gantry_failed: requests.gantry.failed,
    gantry_client_cpu_percent: requests.gantry.cpuPercent,
    autocannon_requests_per_s: requests.autocannon.requestsPerS,
    autocannon_errors: requests.autocannon.errors,
    bare_client_loop_requests_per_s: requests.bare.requestsPerS,
    undici_pool_loop_requests_per_s: requests.undici.requestsPerS,
    ratio,
    target_ratio: TARGETS.requestsRatio,
  },
  sse: {
    tokens_per_stream: STREAM_TOKENS,
    parser_only: {
      what: 'SseParser on recorded chat-llm stream bytes, reads as the socket delivered them, one core',
      reads_per_stream: readsPerStream,
      tokens_per_s: parser.tokensPerS,
      tokens_per_cpu_s: parser.tokensPerCpuS,
      mb_per_s: parser.mbPerS,
    },
    parser_only_event_per_read: {
      what: 'the same bytes fed one event per read (every token in its own packet)',
      tokens_per_s: parserPerEvent.tokensPerS,
      tokens_per_cpu_s: parserPerEvent.tokensPerCpuS,
      mb_per_s: parserPerEvent.mbPerS,
    },
    end_to_end: {
      what: `gantry bench openai-chat against chat-llm with zero token delay, ${STREAMS} streams, ${STREAM_REQUESTS} requests`,
      tokens_per_s_wall: endToEnd.tokensPerS,
      tokens_per_client_cpu_s: endToEnd.tokensPerClientCpuS,
      client_cpu_percent: endToEnd.clientCpuPercent,
      tokens: endToEnd.tokens,
      failed: endToEnd.failed,
    },
    target_tokens_per_s: TARGETS.parserTokensPerS,
  },
};
writeFileSync(join(root, 'bench', 'results', 'client.json'), `${JSON.stringify(report, null, 2)}\n`);

console.log(
  `Gantry's benchmark client on ${report.machine.cpu} (${report.machine.cores} cores, load ${fmt(report.machine.load_average ?? 0, 1)})`,
);
console.log(
  `requests/s against a minimal node:http server, ${CONNECTIONS} connections, ${DURATION_S} s each, median of ${ROUNDS} rounds taken in turn:`,
);
console.log(
  `  autocannon                 ${fmt(requests.autocannon.requestsPerS).padStart(9)} req/s  (${requests.autocannon.errors} errors)`,
);
console.log(
  `  gantry (every request kept) ${fmt(requests.gantry.requestsPerS).padStart(8)} req/s  (${fmt(requests.gantry.samplesRecorded)} samples, ${requests.gantry.failed} failed, client CPU ${fmt(requests.gantry.cpuPercent)}%)`,
);
console.log(
  `  bare client loop           ${fmt(requests.bare.requestsPerS).padStart(9)} req/s  (Gantry's HTTP client alone, nothing kept)`,
);
console.log(
  `  bare undici Pool loop      ${fmt(requests.undici.requestsPerS).padStart(9)} req/s  (the same loop on undici, for comparison)`,
);
console.log(
  `  rounds (autocannon/gantry/bare/undici) ${roundFigures.map((r) => `${r.autocannon}/${r.gantry}/${r.bare}/${r.undici}`).join(', ')}`,
);
console.log(
  `  ratio gantry/autocannon    ${ratio.toFixed(2)}×   target ≥ ${TARGETS.requestsRatio.toFixed(1)}×: ${verdict(ratio >= TARGETS.requestsRatio)}`,
);
console.log(`SSE tokens/s (chat-llm streams of ${STREAM_TOKENS} tokens, zero token delay):`);
console.log(
  `  parser alone, recorded bytes (${readsPerStream} reads/stream)  ${fmt(parser.tokensPerCpuS).padStart(11)} tokens per CPU-second (${fmt(parser.tokensPerS)} per wall second, ${fmt(parser.mbPerS)} MB/s)   target ≥ ${fmt(TARGETS.parserTokensPerS)} on one core: ${verdict(parser.tokensPerCpuS >= TARGETS.parserTokensPerS)}`,
);
console.log(
  `  parser alone, one event per read            ${fmt(parserPerEvent.tokensPerCpuS).padStart(11)} tokens per CPU-second (${fmt(parserPerEvent.tokensPerS)} per wall second, ${fmt(parserPerEvent.mbPerS)} MB/s)   target ≥ ${fmt(TARGETS.parserTokensPerS)} on one core: ${verdict(parserPerEvent.tokensPerCpuS >= TARGETS.parserTokensPerS)}`,
);
console.log(
  `  end to end, ${STREAMS} streams (server shares the cores)  ${fmt(endToEnd.tokensPerS).padStart(11)} tokens/s wall, ${fmt(endToEnd.tokensPerClientCpuS)} tokens per client CPU-second (client CPU ${fmt(endToEnd.clientCpuPercent)}%, ${endToEnd.failed} failed)   target ≥ ${fmt(TARGETS.parserTokensPerS)} on one core: ${verdict(endToEnd.tokensPerClientCpuS >= TARGETS.parserTokensPerS)}`,
);
console.log('wrote bench/results/client.json');

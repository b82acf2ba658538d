#!/usr/bin/env node
// An OpenAI-compatible LLM server whose "model" is a deterministic text generator and whose timing is
// set by configuration. It stands in for vLLM where there is no GPU, so the pipeline and the benchmark
// can be checked against a known truth. One file, no dependencies: it runs on Debian's nodejs alone.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const OPTIONS = {
  host: { env: 'HOST', default: '0.0.0.0', help: 'address to listen on' },
  port: { env: 'PORT', default: '8000', help: 'port to listen on (0 picks a free one)' },
  model: { env: 'CHAT_LLM_MODEL', default: 'chat-llm', help: 'model name served and listed' },
  'ttft-ms': { env: 'CHAT_LLM_TTFT_MS', default: '50', help: 'time to first token after a sequence starts' },
  'tpot-ms': { env: 'CHAT_LLM_TPOT_MS', default: '10', help: 'time per output token after the first' },
  'max-num-seqs': {
    env: 'CHAT_LLM_MAX_NUM_SEQS',
    default: '256',
    help: 'sequences generated at once; more requests wait in a queue',
  },
  jitter: { env: 'CHAT_LLM_JITTER', default: '0', help: 'relative spread of every delay, 0..1 (uniform)' },
  'error-rate': { env: 'CHAT_LLM_ERROR_RATE', default: '0', help: 'fraction of requests answered with 500' },
  seed: { env: 'CHAT_LLM_SEED', default: '0', help: 'seed of the jitter and error draws' },
  'max-tokens': {
    env: 'CHAT_LLM_DEFAULT_MAX_TOKENS',
    default: '0',
    help: 'output length when a request sets none (0: a length drawn from the prompt, 16..64)',
  },
  'spin-ms': {
    env: 'CHAT_LLM_SPIN_MS',
    default: '1',
    help: 'how close to a deadline the scheduler stops sleeping and polls, for sub-millisecond timing',
  },
};

function usage() {
  const lines = Object.entries(OPTIONS).map(
    ([name, o]) => `  --${name.padEnd(14)} ${o.env.padEnd(28)} ${o.help} (default ${o.default})`,
  );
  return `usage: node server.mjs [options]\n  flag             environment variable\n${lines.join('\n')}\n`;
}

function readConfig(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' }])),
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(usage());
    process.exit(0);
  }
  const raw = (name) => values[name] ?? env[OPTIONS[name].env] ?? OPTIONS[name].default;
  const number = (name, min, max = Number.POSITIVE_INFINITY) => {
    const value = Number(raw(name));
    if (!Number.isFinite(value) || value < min || value > max) {
      process.stderr.write(
        `chat-llm: --${name} (${OPTIONS[name].env}) must be a number in [${min}, ${max}]\n`,
      );
      process.exit(2);
    }
    return value;
  };
  return {
    host: raw('host'),
    port: number('port', 0, 65535),
    model: raw('model'),
    ttftMs: number('ttft-ms', 0),
    tpotMs: number('tpot-ms', 0),
    maxNumSeqs: Math.floor(number('max-num-seqs', 1)),
    jitter: number('jitter', 0, 1),
    errorRate: number('error-rate', 0, 1),
    seed: Math.floor(number('seed', 0)),
    defaultMaxTokens: Math.floor(number('max-tokens', 0)),
    spinMs: number('spin-ms', 0, 50),
  };
}

// ---- the "model": a seeded word generator; one word is one token --------------------------------

const WORDS = (
  'the model answers every prompt with words drawn from this list so that the same prompt always ' +
  'gives the same text while timing comes from the configuration alone gantry measures time to first ' +
  'token and time per output token against it latency throughput goodput request stream chunk queue ' +
  'server client window tail percentile interval sample baseline gate release deploy bench image ' +
  'runner version candidate production rollback promote audit metric kernel tensor batch cache'
).split(' ');

/** FNV-1a over the prompt: the generator's seed. */
function hashText(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for text and jitter. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function countTokens(text) {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

function generate(prompt, maxTokens, defaultMaxTokens) {
  const next = random(hashText(prompt));
  const n = maxTokens ?? (defaultMaxTokens > 0 ? defaultMaxTokens : 16 + Math.floor(next() * 49));
  const tokens = new Array(n);
  for (let i = 0; i < n; i++) tokens[i] = ` ${WORDS[Math.floor(next() * WORDS.length)]}`;
  return tokens;
}

// ---- scheduling: absolute deadlines, one timer, batched writes -----------------------------------

/**
 * Every token has an absolute deadline (sequence start + TTFT + i × TPOT, each gap jittered), so late
 * wake-ups never accumulate into drift. One scheduler serves all streams: it sleeps with a timer until
 * `spinMs` before the earliest deadline, then polls with setImmediate (I/O still runs between polls), and
 * writes everything that is due for a stream in one write.
 */
class Scheduler {
  constructor(spinMs) {
    this.spinMs = spinMs;
    this.active = new Set();
    this.timer = undefined;
    this.immediate = undefined;
    this.tick = () => this.run();
  }

  add(sequence) {
    this.active.add(sequence);
    this.wake();
  }

  remove(sequence) {
    this.active.delete(sequence);
  }

  wake() {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.immediate === undefined) this.immediate = setImmediate(this.tick);
  }

  run() {
    this.immediate = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const sequence of this.active) {
      if (sequence.deadline <= now) sequence.emitDue(now);
      if (sequence.done) this.active.delete(sequence);
      else if (sequence.deadline < next) next = sequence.deadline;
    }
    if (next === Number.POSITIVE_INFINITY) return;
    const wait = next - performance.now();
    if (wait <= this.spinMs) this.immediate = setImmediate(this.tick);
    else
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.run();
        },
        Math.max(1, Math.floor(wait - this.spinMs)),
      );
  }
}

// ---- the server's own timing record: what it really did, to tell its delays from a client's -------

/** Per streamed request: arrival → first token written; per token: how late past its deadline. */
const timing = { firstTokenMs: [], lateMs: [] };
const TIMING_LIMIT = 1_000_000;

function record(list, value) {
  if (list.length < TIMING_LIMIT) list.push(value);
}

function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
  return {
    n: sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

// ---- OpenAI wire format --------------------------------------------------------------------------

let nextId = 1;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function promptOf(body, chat) {
  if (chat) {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return undefined;
    return body.messages
      .map((m) =>
        typeof m?.content === 'string'
          ? m.content
          : Array.isArray(m?.content)
            ? m.content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join(' ')
            : '',
      )
      .join('\n');
  }
  if (typeof body.prompt === 'string') return body.prompt;
  if (Array.isArray(body.prompt) && typeof body.prompt[0] === 'string') return body.prompt[0];
  return undefined;
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res, status, message, type = 'invalid_request_error') {
  sendJson(res, status, { object: 'error', error: { message, type, param: null, code: status } });
}

/** One request being generated: streams or collects its tokens as their deadlines pass. */
class Sequence {
  /** res, chat, stream, includeUsage, tokens, promptTokens, model, start, config, next, arrived */
  constructor(fields) {
    Object.assign(this, fields);
    const { res, chat, stream, tokens, model, start, config } = fields;
    this.id = `${chat ? 'chatcmpl' : 'cmpl'}-${(nextId++).toString(16).padStart(12, '0')}`;
    this.created = nowSeconds();
    this.emitted = 0;
    this.done = false;
    this.deadline = start + this.delay(config.ttftMs);
    this.prefix = chat
      ? `{"id":"${this.id}","object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"content":`
      : `{"id":"${this.id}","object":"text_completion","created":${this.created},"model":${JSON.stringify(model)},"choices":[{"index":0,"text":`;
    if (stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      // Like vLLM, a chat stream opens with a chunk that names the role and carries no content.
      if (chat)
        res.write(
          `data: {"id":"${this.id}","object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
        );
    }
    if (tokens.length === 0) this.deadline = start;
  }

  delay(ms) {
    const { jitter } = this.config;
    return jitter === 0 ? ms : ms * (1 + jitter * (2 * this.next() - 1));
  }

  emitDue(now) {
    if (this.tokens.length === 0) return this.finish('');
    let out = '';
    while (this.deadline <= now && this.emitted < this.tokens.length) {
      const last = this.emitted === this.tokens.length - 1;
      if (this.stream) {
        record(timing.lateMs, now - this.deadline);
        if (this.emitted === 0) record(timing.firstTokenMs, now - this.arrived);
        out += `data: ${this.prefix}${JSON.stringify(this.tokens[this.emitted])}${this.chat ? '}' : ''},"logprobs":null,"finish_reason":${last ? '"length"' : 'null'}}]}\n\n`;
      }
      this.emitted++;
      this.deadline += this.delay(this.config.tpotMs);
    }
    this.finish(out);
  }

  finish(out) {
    if (this.emitted < this.tokens.length) {
      if (out) this.res.write(out);
      return;
    }
    this.done = true;
    const usage = {
      prompt_tokens: this.promptTokens,
      completion_tokens: this.tokens.length,
      total_tokens: this.promptTokens + this.tokens.length,
    };
    if (this.stream) {
      if (this.includeUsage) {
        out += `data: {"id":"${this.id}","object":"${this.chat ? 'chat.completion.chunk' : 'text_completion'}","created":${this.created},"model":${JSON.stringify(this.model)},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
      }
      this.res.end(`${out}data: [DONE]\n\n`);
    } else {
      const text = this.tokens.join('');
      const choice = this.chat
        ? { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'length' }
        : { index: 0, text, logprobs: null, finish_reason: 'length' };
      sendJson(this.res, 200, {
        id: this.id,
        object: this.chat ? 'chat.completion' : 'text_completion',
        created: this.created,
        model: this.model,
        choices: [choice],
        usage,
      });
    }
  }
}

// ---- the server ----------------------------------------------------------------------------------

export function startServer(config) {
  const scheduler = new Scheduler(config.spinMs);
  const queue = [];
  let running = 0;
  const draw = random(config.seed * 2654435761 + 1);

  const release = () => {
    running--;
    while (running < config.maxNumSeqs && queue.length > 0) {
      const start = queue.shift();
      start();
    }
  };

  const admit = (res, makeSequence) => {
    let sequence;
    let closed = false;
    const start = () => {
      if (closed) return;
      running++;
      sequence = makeSequence(performance.now());
      scheduler.add(sequence);
    };
    // A client that goes away frees its slot (or its place in the queue) at once.
    res.on('close', () => {
      closed = true;
      if (sequence) {
        scheduler.remove(sequence);
        release();
      } else {
        const at = queue.indexOf(start);
        if (at >= 0) queue.splice(at, 1);
      }
    });
    if (running < config.maxNumSeqs) start();
    else queue.push(start);
  };

  const complete = (req, res, chat, arrived) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (part) => {
      text += part;
    });
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        return sendError(res, 400, 'the request body is not valid JSON');
      }
      const prompt = body && typeof body === 'object' ? promptOf(body, chat) : undefined;
      if (prompt === undefined) {
        return sendError(res, 400, chat ? 'messages must be a non-empty list' : 'prompt must be a string');
      }
      const maxTokens = body.max_completion_tokens ?? body.max_tokens;
      if (maxTokens !== undefined && maxTokens !== null && !(Number.isInteger(maxTokens) && maxTokens >= 0)) {
        return sendError(res, 400, 'max_tokens must be a non-negative integer');
      }
      if (config.errorRate > 0 && draw() < config.errorRate) {
        return sendError(res, 500, 'injected failure (error rate)', 'server_error');
      }
      const tokens = generate(prompt, maxTokens ?? undefined, config.defaultMaxTokens);
      const promptTokens = countTokens(prompt);
      const stream = body.stream === true;
      const includeUsage = stream && body.stream_options?.include_usage === true;
      const seed = (hashText(prompt) ^ Math.floor(draw() * 4294967296)) >>> 0;
      admit(
        res,
        (start) =>
          new Sequence({
            res,
            chat,
            stream,
            includeUsage,
            tokens,
            promptTokens,
            model: config.model,
            start,
            config,
            next: random(seed),
            arrived,
          }),
      );
    });
  };

  const server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
    const arrived = performance.now();
    const [path, query] = (req.url ?? '/').split('?');
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-length': 0 });
      return res.end();
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: config.model, object: 'model', created: 0, owned_by: 'gantry', max_model_len: 32768 }],
      });
    }
    if (req.method === 'GET' && path === '/timing') {
      const report = {
        first_token_ms: percentiles(timing.firstTokenMs),
        late_ms: percentiles(timing.lateMs),
      };
      if (query === 'reset=1') {
        timing.firstTokenMs.length = 0;
        timing.lateMs.length = 0;
      }
      return sendJson(res, 200, report);
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return complete(req, res, true, arrived);
    if (req.method === 'POST' && path === '/v1/completions') return complete(req, res, false, arrived);
    req.resume();
    sendError(res, 404, `no route for ${req.method} ${path}`);
  });
  server.listen(config.port, config.host);
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = readConfig(process.argv.slice(2), process.env);
  const server = startServer(config);
  server.on('listening', () => {
    const { port } = server.address();
    process.stdout.write(
      `chat-llm listening on http://${config.host}:${port} (ttft ${config.ttftMs} ms, tpot ${config.tpotMs} ms, max ${config.maxNumSeqs} sequences)\n`,
    );
  });
  server.on('error', (error) => {
    process.stderr.write(`chat-llm: ${error.message}\n`);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
}

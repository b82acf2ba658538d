import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Exchange, HttpTarget, type PreparedRequest } from '../../core/bench/http-target.js';
import { ResponseParser } from '../../core/bench/http1-response-parser.js';
import { selfSignedCertificate } from '../support/self-signed-certificate.js';
import { tempDir } from '../support/temp-dir.js';

/** Feeds `bytes` to a parser in reads of `size` bytes; what it saw. */
function parse(bytes: string, size: number) {
  const parser = new ResponseParser();
  const body: Buffer[] = [];
  let status = 0;
  let end = -1;
  const all = Buffer.from(bytes, 'latin1');
  for (let at = 0; at < all.length && end < 0 && parser.malformed === undefined; at += size) {
    const read = all.subarray(at, at + size);
    const ended = parser.feed(read, { onHead: (s) => (status = s), onBody: (part) => body.push(part) });
    if (ended >= 0) end = at + ended;
  }
  return { parser, status, body: Buffer.concat(body).toString('latin1'), end };
}

const CHUNKED = [
  'HTTP/1.1 100 Continue\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
  '5;name=value\r\nhello\r\n',
  'c\r\n, world!\r\n\r\n\r\n',
  '0\r\nX-Trailer: yes\r\n\r\n',
].join('');

describe('HTTP/1.1 response parser', () => {
  it('reads chunked bodies (extensions, trailers, a 1xx first) split at any byte', () => {
    for (const size of [1, 2, 3, 7, 64, CHUNKED.length]) {
      const { parser, status, body, end } = parse(CHUNKED, size);
      expect(parser.malformed).toBeUndefined();
      expect(status).toBe(200);
      expect(body).toBe('hello, world!\r\n\r\n');
      expect(end).toBe(CHUNKED.length);
      expect(parser.complete).toBe(true);
      expect(parser.keepAlive).toBe(true);
    }
  });

  it('reads Content-Length bodies and stops at their end; Transfer-Encoding wins over Content-Length', () => {
    const response = 'HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{"ok":true}HTTP/1.1';
    for (const size of [1, 5, response.length]) {
      const { body, end, parser } = parse(response, size);
      expect(body).toBe('{"ok":true}');
      expect(end).toBe(response.length - 'HTTP/1.1'.length);
      expect(parser.complete).toBe(true);
    }
    const both = parse(
      'HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
      4,
    );
    expect(both.body).toBe('ab');
    expect(both.parser.complete).toBe(true);
    const empty = parse('HTTP/1.1 204 No Content\r\n\r\n', 3);
    expect(empty.parser.complete).toBe(true);
    expect(empty.status).toBe(204);
  });

  it('runs a body without a length to the close, and no connection is kept after it', () => {
    for (const head of ['HTTP/1.0 200 OK\r\n\r\n', 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n']) {
      const { parser, body } = parse(`${head}whatever comes`, 4);
      expect(body).toBe('whatever comes');
      expect(parser.complete).toBe(false);
      expect(parser.close()).toBe(true);
      expect(parser.keepAlive).toBe(false);
    }
    const closing = parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok', 100);
    expect(closing.parser.complete).toBe(true);
    expect(closing.parser.keepAlive).toBe(false);
    // A Content-Length body cut short is not complete when the connection closes.
    const cut = parse('HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nshort', 100);
    expect(cut.parser.close()).toBe(false);
  });

  it('names what is wrong with bytes that are not an HTTP/1.1 response', () => {
    const cases: [string, RegExp][] = [
      ['<html>hello</html>\r\n\r\n', /not an HTTP\/1\.1 response: "<html>hello<\/html>"/],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /header line has no name/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n', /bad Content-Length: "12x"/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size is not hexadecimal/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n', /chunk data runs past its size/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n', /chunk size line holds no size/],
      [`HTTP/1.1 200 OK\r\nX: ${'y'.repeat(70_000)}`, /no end of the response head in 65536 bytes/],
    ];
    for (const [bytes, why] of cases)
      for (const size of [1, 9, bytes.length]) {
        const { parser } = parse(bytes, size);
        expect(parser.malformed, `${JSON.stringify(bytes.slice(0, 40))} in reads of ${size}`).toMatch(why);
      }
  });
});

const json = (body: unknown): PreparedRequest => ({
  body: JSON.stringify(body),
  contentType: 'application/json',
  stream: false,
});
const streamed: PreparedRequest = { body: '{"stream":true}', contentType: 'application/json', stream: true };
const event = (data: string) => `data: ${data}\n\n`;
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const content = (text: string) => chunk(event(JSON.stringify({ choices: [{ delta: { content: text } }] })));
const STREAM_HEAD =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
const STREAM_END = `${chunk(event('{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}') + event('[DONE]'))}0\r\n\r\n`;

/** A TCP server that answers each request (read up to the end of its head and body) with `answer`. */
async function rawServer(answer: (socket: Socket, request: string, index: number) => void) {
  let index = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (part) => {
      pending += part.toString('latin1');
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, headEnd))?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        const request = pending.slice(0, headEnd + 4 + length);
        pending = pending.slice(request.length);
        answer(socket, request, index++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let connections = 0;
  server.on('connection', () => connections++);
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("Gantry's HTTP client against misbehaving servers (real sockets)", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });
  async function target(
    answer: Parameters<typeof rawServer>[0],
    connections: number | null = 2,
    signal = new AbortController().signal,
  ) {
    const server = await rawServer(answer);
    const client = new HttpTarget(server.url, '/v1/x', connections, signal);
    cleanup.push(() => client.close(), server.close);
    return { server, client };
  }

  it('keeps connections alive, one per concurrent request, and sends the request as given', async () => {
    const seen: string[] = [];
    const { server, client } = await target((socket, request, index) => {
      seen.push(request);
      const body = JSON.stringify({ index, usage: { prompt_tokens: 4, completion_tokens: 1 } });
      // Every other answer is chunked, in two writes.
      if (index % 2 === 0)
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      else {
        socket.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunk(body.slice(0, 5))}`);
        setTimeout(() => socket.write(`${chunk(body.slice(5))}0\r\n\r\n`), 2);
      }
    });
    const worker = async () => {
      const results: Exchange[] = [];
      for (let i = 0; i < 10; i++) results.push(await client.send(json({ n: 'é' }), 5000));
      return results;
    };
    const results = (await Promise.all([worker(), worker()])).flat();
    expect(results.map((r) => r.error)).toEqual(Array(20).fill(undefined));
    expect(results.every((r) => r.status === 200 && r.usage?.completionTokens === 1)).toBe(true);
    expect(server.connections()).toBe(2);
    expect(Buffer.from(seen[0]!, 'latin1').toString()).toMatch(
      /^POST \/v1\/x HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\ncontent-type: application\/json\r\naccept: \*\/\*\r\ncontent-length: 10\r\n\r\n\{"n":"é"\}$/,
    );
  });

  it('times each streamed event at the read that brought it, not when the response ends', async () => {
    const { client } = await target((socket) => {
      socket.write(STREAM_HEAD + chunk(event('{"choices":[{"delta":{"role":"assistant","content":""}}]}')));
      setTimeout(() => socket.write(content('one')), 40);
      setTimeout(() => socket.write(content('two')), 70);
      setTimeout(() => socket.write(STREAM_END), 100);
    });
    const result = await client.send(streamed, 5000);
    expect(result.error).toBeUndefined();
    const [first, second] = result.contentTimes!.map((t) => t - result.sentAt);
    // Nothing arrives before it is written; a busy runner may deliver it late, never early.
    expect(first).toBeGreaterThanOrEqual(39);
    expect(first).toBeLessThan(65);
    expect(second! - first!).toBeGreaterThan(15);
    expect(result.endAt - result.sentAt).toBeGreaterThanOrEqual(99);
    expect(result.usage).toEqual({ promptTokens: 3, completionTokens: 2 });
  });

  it('counts each failure by its kind and keeps going', async () => {
    const { client } = await target((socket, request) => {
      const what = /"what":"(\w+)"/.exec(request)![1];
      if (what === 'garbage') socket.write('<html>not http</html>\r\n\r\n');
      else if (what === 'busy') socket.write('HTTP/1.1 503 Busy\r\ncontent-length: 9\r\n\r\ntoo busy!');
      else if (what === 'stall') socket.write(STREAM_HEAD + content('a'));
      else if (what === 'cut') socket.end(STREAM_HEAD + content('a'));
      else if (what === 'reset') socket.resetAndDestroy();
      else if (what === 'framing') socket.write(`${STREAM_HEAD}zz\r\n`);
      else if (what === 'unfinished') socket.write(`${STREAM_HEAD + content('a')}0\r\n\r\n`);
      else if (what === 'notjson') socket.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnope');
      else socket.write('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}');
    }, null);
    const send = (what: string, stream = false, timeoutMs = 5000) =>
      client.send({ ...json({ what }), stream }, timeoutMs);
    const results = await Promise.all([
      send('garbage'),
      send('busy'),
      send('stall', true, 300),
      send('cut', true),
      send('reset'),
      send('framing', true),
      send('notjson'),
      send('unfinished', true),
      send('closing'),
    ]);
    expect(results.map((r) => r.error?.kind)).toEqual([
      'malformed',
      'http',
      'timeout',
      'connection',
      'connection',
      'malformed',
      'malformed',
      'malformed',
      undefined,
    ]);
    expect(results[0]!.error!.message).toMatch(/not a valid HTTP\/1\.1 answer: not an HTTP\/1\.1 response/);
    expect(results[1]!.error).toEqual({ kind: 'http', status: 503, message: 'too busy!' });
    expect(results[2]!.error!.message).toBe('no complete answer within 300 ms');
    expect(results[2]!.endAt - results[2]!.sentAt).toBeLessThan(1000);
    expect(results[3]!.error!.message).toMatch(/closed the connection before the answer was complete/);
    expect(results[4]!.error!.message).toMatch(/ECONNRESET/);
    expect(results[6]!.error!.message).toMatch(/not JSON: nope/);
    expect(results[7]!.error!.message).toBe('the stream ended before [DONE]');
    // After all that, and a server that closes after each answer, requests still go through.
    expect((await send('fine')).error).toBeUndefined();
    expect((await send('fine')).error).toBeUndefined();
  });

  it('reports a refused connection, and ends what is in flight when the run stops', async () => {
    const refused = new HttpTarget('http://127.0.0.1:1', '/', 1, new AbortController().signal);
    const result = await refused.send(json({}), 5000);
    expect(result.error?.kind).toBe('connection');
    expect(result.error?.message).toMatch(/ECONNREFUSED/);
    await refused.close();

    const stop = new AbortController();
    const { client } = await target(() => {}, 1, stop.signal);
    const inFlight = client.send(json({}), 60_000);
    const queued = client.send(json({}), 60_000);
    setTimeout(() => stop.abort(), 50);
    const [first, second] = await Promise.all([inFlight, queued]);
    expect(first.error?.kind).toBe('aborted');
    expect(second.error?.kind).toBe('aborted');
    expect((await client.send(json({}), 1000)).error?.kind).toBe('aborted');
  });

  it('speaks TLS to https endpoints, and names a certificate it cannot trust', async () => {
    const { key, cert } = selfSignedCertificate(tempDir(), 'localhost');
    const server = createHttpsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (_request, response) => response.end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const client = new HttpTarget(`https://localhost:${port}`, '/', 1, new AbortController().signal);
    cleanup.push(() => client.close());
    const result = await client.send(json({}), 5000);
    expect(result.error).toEqual({
      kind: 'connection',
      message: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
    });
  });
});

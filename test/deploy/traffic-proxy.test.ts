import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../core/deploy/free-port.js';
import { TrafficProxy } from '../../core/deploy/traffic-proxy.js';
import { drain, proxyState, switchUpstream } from '../../core/deploy/traffic-proxy-process.js';
import { tempDir } from '../support/temp-dir.js';

/** A real upstream: /slow answers after `ms`, /stream sends three SSE events 100 ms apart, others echo. */
async function upstream(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) {
        setTimeout(() => res.end(name), Number(new URL(req.url, 'http://x').searchParams.get('ms')));
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(`data: ${name} ${sent}\n\n`);
          if (++sent === 3) {
            clearInterval(timer);
            res.end('data: [DONE]\n\n');
          }
        }, 100);
      } else {
        res.writeHead(201, { 'x-upstream': name, 'content-type': 'application/json' });
        res.end(JSON.stringify({ name, method: req.method, url: req.url, body }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function proxyTo(target: string) {
  const socket = join(tempDir('gantry-proxy-'), 'control.sock');
  const port = await freePort();
  const proxy = new TrafficProxy({ host: '127.0.0.1', port, upstream: target, controlSocket: socket });
  await proxy.listen();
  onTestFinished(() => proxy.close(100));
  return { url: `http://127.0.0.1:${port}`, socket };
}

describe('TrafficProxy', () => {
  it('forwards method, path, body, status and headers', async () => {
    const blue = await upstream('blue');
    const proxy = await proxyTo(blue.url);
    const response = await fetch(`${proxy.url}/predict?x=1`, { method: 'POST', body: '{"instance":1}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-upstream')).toBe('blue');
    expect(await response.json()).toEqual({
      name: 'blue',
      method: 'POST',
      url: '/predict?x=1',
      body: '{"instance":1}',
    });
  });

  it('passes a stream through event by event, not at its end', async () => {
    const blue = await upstream('blue');
    const proxy = await proxyTo(blue.url);
    const started = performance.now();
    const reader = (await fetch(`${proxy.url}/stream`)).body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const firstAt = performance.now() - started;
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    const endAt = performance.now() - started;
    expect(first).toBe('data: blue 0\n\n');
    expect(rest).toBe('data: blue 1\n\ndata: blue 2\n\ndata: [DONE]\n\n');
    expect(endAt - firstAt).toBeGreaterThan(150);
  });

  it('switches new requests to the new upstream while open ones finish on the old, and drains', async () => {
    const blue = await upstream('blue');
    const green = await upstream('green');
    const proxy = await proxyTo(blue.url);
    const open = fetch(`${proxy.url}/slow?ms=400`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    expect((await proxyState(proxy.socket)).in_flight).toEqual({ [blue.url]: 1 });
    await switchUpstream(proxy.socket, green.url);
    expect(await (await fetch(`${proxy.url}/slow?ms=0`)).text()).toBe('green');
    expect(await drain(proxy.socket, blue.url, 50)).toBe(false);
    expect(await drain(proxy.socket, blue.url, 2_000)).toBe(true);
    expect(await open).toBe('blue');
    expect((await proxyState(proxy.socket)).in_flight).toEqual({});
  });

  it('answers 502 with the reason when the upstream is down, and refuses a bad switch', async () => {
    const gone = await freePort();
    const proxy = await proxyTo(`http://127.0.0.1:${gone}`);
    const response = await fetch(`${proxy.url}/predict`);
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toMatch(
      new RegExp(`^gantry proxy: http://127.0.0.1:${gone} did not answer \\(connect ECONNREFUSED`),
    );
    await expect(switchUpstream(proxy.socket, 'ftp://example.com')).rejects.toThrow('HTTP 400');
    expect((await proxyState(proxy.socket)).upstream).toBe(`http://127.0.0.1:${gone}`);
  });
});

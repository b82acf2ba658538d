import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../errors.js';
import type { ProxyState } from './traffic-proxy.js';

/**
 * How the proxy process starts: from the sources (with tsx) when Gantry runs from them, else the bundle
 * beside the running one (build/ for the CLI, dist/ for actions).
 */
function proxyCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  // tsx by its own path: resolved from here, not from whatever folder the process runs in.
  if (here.endsWith('.ts'))
    return [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      join(dirname(here), 'traffic-proxy-main.ts'),
    ];
  const folder = dirname(here);
  const bundle = [join(folder, 'traffic-proxy.js'), join(dirname(folder), 'traffic-proxy.js')].find(
    existsSync,
  );
  if (!bundle) throw new Error(`traffic-proxy.js is missing beside ${here}; rebuild Gantry`);
  return [process.execPath, bundle];
}

/** Unix sockets have a short path limit (108 bytes on Linux, 104 on macOS). */
const SOCKET_PATH_LIMIT = 104;

function controlRequest<T>(socket: string, method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(JSON.parse(text) as T);
        else reject(new Error(`proxy control ${method} ${path}: HTTP ${res.statusCode} ${text}`));
      });
    });
    req.once('timeout', () => req.destroy(new Error('proxy control did not answer within 5 s')));
    req.once('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export function proxyState(socket: string): Promise<ProxyState> {
  return controlRequest<ProxyState>(socket, 'GET', '/state');
}

export function switchUpstream(socket: string, upstream: string): Promise<ProxyState> {
  return controlRequest<ProxyState>(socket, 'PUT', '/upstream', { upstream });
}

/** Waits until no request is open on an upstream any more, or the time is up; says which. */
export async function drain(socket: string, upstream: string, timeoutMs: number): Promise<boolean> {
  const origin = new URL(upstream).origin;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = (await proxyState(socket)).in_flight[origin] ?? 0;
    if (open === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface StartedProxy {
  pid: number;
  socket: string;
}

/**
 * Starts a detached proxy process listening on host:port and sending traffic to upstream; resolves once
 * its control socket answers. Fails with the proxy's own words when it cannot listen.
 */
export async function startProxyProcess(options: {
  host: string;
  port: number;
  upstream: string;
  socket: string;
  logPath: string;
}): Promise<StartedProxy> {
  if (Buffer.byteLength(options.socket) > SOCKET_PATH_LIMIT)
    throw new GantryError(
      'state_path_too_long',
      `the proxy control socket path is too long for a Unix socket (${options.socket}); set GANTRY_STATE_DIR to a shorter folder`,
      1,
    );
  const [command, ...args] = proxyCommand();
  const log = openSync(options.logPath, 'a');
  const child = spawn(
    command!,
    [
      ...args,
      '--listen',
      `${options.host}:${options.port}`,
      '--upstream',
      options.upstream,
      '--control',
      options.socket,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  child.unref();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    try {
      await proxyState(options.socket);
      return { pid: child.pid!, socket: options.socket };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (exited === undefined) child.kill('SIGKILL');
  throw new GantryError(
    'proxy_not_started',
    `the traffic proxy for port ${options.port} did not start; see ${options.logPath}`,
    1,
  );
}

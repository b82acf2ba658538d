import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import type { Arch } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { archFromMachine } from './host-support.js';

/** Debian's docker.io client: the one with BuildKit built in (a newer client without buildx cannot). */
export const DOCKER = process.env.GANTRY_DOCKER ?? '/usr/bin/docker';

export interface DockerRun {
  code: number | null;
  timedOut: boolean;
  /** The last lines of stdout and stderr together, in order. */
  tail: string[];
  stdout: string;
}

export interface DockerOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
  onLine?: (line: string) => void;
  /** How many lines of output to keep for error messages. */
  keepLines?: number;
}

/** Runs the docker client, streaming its output line by line; kills it (and so its build) on timeout. */
export function runDocker(args: string[], options: DockerOptions = {}): Promise<DockerRun> {
  const keep = options.keepLines ?? 40;
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let stdout = '';
    let timedOut = false;
    const partial = { out: '', err: '' };
    const take = (stream: 'out' | 'err', chunk: Buffer) => {
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split(/\r?\n/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > keep) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      take('out', chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => take('err', chunk));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }, options.timeoutMs);
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(noEngine(error.message));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      for (const rest of [partial.out, partial.err]) if (rest) tail.push(rest);
      resolve({ code, timedOut, tail: tail.slice(-keep), stdout });
    });
  });
}

function noEngine(detail: string): GantryError {
  return new GantryError(
    'docker_unavailable',
    `no Docker engine: ${detail}. Start dockerd (as root, scripts/test-env.sh installs and starts one) and try again`,
    1,
  );
}

/** Whether the engine has answered in this process: asking again costs a client start per build. */
let engineAnswered = false;

/** Fails with a clear message unless a Docker engine answers; building needs one. */
export async function requireDockerEngine(): Promise<void> {
  if (engineAnswered) return;
  if (!existsSync(DOCKER)) throw noEngine(`${DOCKER} is not installed`);
  const info = await runDocker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
  if (info.code !== 0 || info.stdout.trim() === '') {
    const why = info.timedOut ? 'the engine did not answer within 15 s' : (info.tail.at(-1) ?? 'no answer');
    throw noEngine(why);
  }
  engineAnswered = true;
}

/** The local engine's socket, when the client talks to it (no DOCKER_HOST elsewhere). */
function localSocket(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (host && host !== 'unix:///var/run/docker.sock') return undefined;
  return existsSync('/var/run/docker.sock') ? '/var/run/docker.sock' : undefined;
}

/** GET on the Engine API over its socket: a few milliseconds, where starting the client takes tens. */
function engineGet(socket: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('timeout', () => req.destroy(new Error('the engine did not answer within 30 s')));
    req.once('error', reject);
    req.end();
  });
}

/** `docker image inspect` of one image, or undefined when the engine has no such image. */
export async function inspectImage(reference: string): Promise<DockerImage | undefined> {
  const socket = localSocket();
  if (socket) {
    const answer = await engineGet(socket, `/images/${encodeURIComponent(reference)}/json`).catch(
      () => undefined,
    );
    if (answer?.status === 200) return JSON.parse(answer.body) as DockerImage;
    if (answer?.status === 404) return undefined;
  }
  const result = await runDocker(['image', 'inspect', reference], { timeoutMs: 30_000 });
  if (result.code !== 0) return undefined;
  const [image] = JSON.parse(result.stdout) as DockerImage[];
  return image;
}

/** The fields of `docker image inspect` Gantry reads. */
export interface DockerImage {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Size: number;
  Created: string;
  Architecture: string;
  RootFS: { Layers?: string[] };
  Config: {
    User?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] };
    ExposedPorts?: Record<string, unknown>;
    Entrypoint?: string[] | null;
  };
}

/** An image the engine has, or pulls now; undefined when it has none and the pull fails. */
export async function imageHereOrPulled(
  reference: string,
  timeoutMs: number,
): Promise<DockerImage | undefined> {
  const local = await inspectImage(reference);
  if (local) return local;
  const pulled = await runDocker(['pull', '--quiet', reference], { timeoutMs });
  return pulled.code === 0 ? inspectImage(reference) : undefined;
}

/** The architecture the engine builds and runs natively; Node's own when no engine answers. */
export async function engineArch(): Promise<Arch | undefined> {
  const info = await runDocker(['info', '--format', '{{.Architecture}}'], { timeoutMs: 15_000 }).catch(
    () => undefined,
  );
  return (
    archFromMachine(info?.stdout.trim() ?? '') ??
    archFromMachine(process.arch === 'x64' ? 'amd64' : process.arch)
  );
}

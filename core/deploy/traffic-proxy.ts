import { chmodSync, existsSync, rmSync } from 'node:fs';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** What the control socket reports: where traffic goes, and requests still open per upstream. */
export interface ProxyState {
  upstream: string;
  in_flight: Record<string, number>;
}

export interface TrafficProxyOptions {
  host: string;
  port: number;
  upstream: string;
  /** Unix socket of the control API; only the deploying user can reach it (the state folder is theirs). */
  controlSocket: string;
}

// Connection-level headers are per hop (RFC 9110 §7.6.1): never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

function forwardable(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

/**
 * The stable address of a docker deployment: forwards every request to the current version's container
 * and, on a switch, sends new requests to the new one while those already open on the old one finish.
 * Blue/green without a port swap, so no request is refused while versions change. Streams (SSE) pass
 * through chunk by chunk.
 */
export class TrafficProxy {
  private upstream: URL;
  private readonly inFlight = new Map<string, number>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  private readonly traffic: Server;
  private readonly control: Server;

  constructor(private readonly options: TrafficProxyOptions) {
    this.upstream = new URL(options.upstream);
    this.traffic = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) =>
      this.forward(req, res),
    );
    this.control = createServer((req, res) => this.answerControl(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.traffic.once('error', reject);
      this.traffic.listen({ host: this.options.host, port: this.options.port, exclusive: true }, resolve);
    });
    if (existsSync(this.options.controlSocket)) rmSync(this.options.controlSocket);
    await new Promise<void>((resolve, reject) => {
      this.control.once('error', reject);
      this.control.listen(this.options.controlSocket, resolve);
    });
    chmodSync(this.options.controlSocket, 0o600);
  }

  state(): ProxyState {
    return { upstream: this.upstream.origin, in_flight: Object.fromEntries(this.inFlight) };
  }

  /** Stops accepting, lets open requests finish (up to graceMs), then closes what is left. */
  async close(graceMs = 10_000): Promise<void> {
    this.control.close();
    const closed = new Promise<void>((resolve) => this.traffic.close(() => resolve()));
    this.traffic.closeIdleConnections();
    const timer = setTimeout(() => this.traffic.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
    this.agent.destroy();
    rmSync(this.options.controlSocket, { force: true });
  }

  private count(origin: string, delta: number): void {
    const now = (this.inFlight.get(origin) ?? 0) + delta;
    if (now === 0) this.inFlight.delete(origin);
    else this.inFlight.set(origin, now);
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    // The body is read whole first (model inputs are small), so a request can be sent again when a
    // kept-alive upstream connection turns out to be closed already.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => this.send(req, res, Buffer.concat(chunks), this.upstream, true));
    req.once('error', () => res.destroy());
  }

  private send(req: IncomingMessage, res: ServerResponse, body: Buffer, target: URL, mayRetry: boolean) {
    const origin = target.origin;
    this.count(origin, 1);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.count(origin, -1);
    };
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...forwardable(req.headers), 'content-length': String(body.length) },
        agent: this.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.headers));
        res.flushHeaders();
        answer.pipe(res);
        answer.once('end', finish);
        answer.once('error', () => {
          finish();
          res.destroy();
        });
      },
    );
    upstream.once('socket', (socket: Socket) => socket.setNoDelay(true));
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      finish();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // An idle kept-alive connection the upstream had closed: nothing reached it, so send again.
      if (mayRetry && upstream.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        this.send(req, res, body, target, false);
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `gantry proxy: ${origin} did not answer (${error.message})` }));
    });
    res.once('close', () => {
      // The client went away: stop the upstream request too.
      if (!res.writableFinished) upstream.destroy();
      finish();
    });
    upstream.end(body);
  }

  private answerControl(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/state') {
      reply(200, this.state());
      return;
    }
    if (req.method === 'PUT' && req.url === '/upstream') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        try {
          const next = new URL((JSON.parse(body) as { upstream: string }).upstream);
          if (next.protocol !== 'http:') throw new Error('only http upstreams');
          this.upstream = next;
          reply(200, this.state());
        } catch (error) {
          reply(400, { error: (error as Error).message });
        }
      });
      return;
    }
    reply(404, { error: 'GET /state or PUT /upstream' });
  }
}

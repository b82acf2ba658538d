import { isIP, connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import type { RequestError } from '../../schemas/bench-results.js';
import { ResponseParser, type ResponseSink } from './http1-response-parser.js';
import { SseParser, type StreamUsage } from './sse-parser.js';

/** One request as the load sends it: the body is built before the run so building costs no time. */
export interface PreparedRequest {
  body: string | Buffer;
  contentType: string;
  stream: boolean;
  inputTokens?: number;
  inputs?: number;
  audioS?: number;
}

/** What happened to one request, in performance.now() milliseconds. */
export interface Exchange {
  sentAt: number;
  endAt: number;
  status?: number;
  error?: RequestError;
  /** Streams: when each event with content arrived. */
  contentTimes?: number[];
  usage?: StreamUsage;
}

/** A request handed to the target and not yet answered. */
interface InFlight {
  request: PreparedRequest;
  exchange: Exchange;
  deadline: number;
  timeoutMs: number;
  resolve: (exchange: Exchange) => void;
  sse: SseParser | undefined;
  body: Buffer[] | undefined;
}

const STOPPED: RequestError = { kind: 'aborted', message: 'the run stopped before the answer completed' };

/**
 * The HTTP side of a benchmark: Gantry's own HTTP/1.1 client on plain sockets (TLS for https), at most
 * `connections` keep-alive connections, one request at a time on each (no pipelining, like a real
 * client). Nothing sits between the socket and the measurement: each read is parsed in the 'data'
 * event that delivered it, its arrival time taken there, and a stream's body goes to the SSE parser in
 * the same turn. Every failure becomes a counted RequestError of a kind; nothing here throws for a
 * failed request. One sweeping timer enforces the per-request timeouts.
 */
export class HttpTarget {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  /** Requests waiting for a connection while `connections` are all busy. */
  private readonly queue: InFlight[] = [];
  private readonly limit: number;
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  /** Request line and the headers every request shares, encoded once. */
  private readonly head: string;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly origin: string,
    readonly path: string,
    connections: number | null,
    private readonly runSignal: AbortSignal,
  ) {
    const url = new URL(origin);
    this.secure = url.protocol === 'https:';
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(url.port || (this.secure ? 443 : 80));
    this.limit = connections ?? Number.POSITIVE_INFINITY;
    this.head = `POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\n`;
    runSignal.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = () => this.stopAll();

  send(request: PreparedRequest, timeoutMs: number): Promise<Exchange> {
    const sentAt = performance.now();
    return new Promise<Exchange>((resolve) => {
      const exchange: Exchange = { sentAt, endAt: sentAt };
      if (this.runSignal.aborted) {
        exchange.error = STOPPED;
        resolve(exchange);
        return;
      }
      const flight: InFlight = {
        request,
        exchange,
        deadline: sentAt + timeoutMs,
        timeoutMs,
        resolve,
        sse: undefined,
        body: undefined,
      };
      this.watch(timeoutMs);
      const connection = this.idle.pop() ?? (this.open.size < this.limit ? this.connect() : undefined);
      if (connection) this.start(connection, flight);
      else this.queue.push(flight);
    });
  }

  close(): Promise<void> {
    // A sweep runs many targets on one signal: each lets go of it when done.
    this.runSignal.removeEventListener('abort', this.onAbort);
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.stopAll();
    return Promise.resolve();
  }

  /** A connection finished its request and may carry the next one. */
  release(connection: Connection): void {
    const next = this.queue.shift();
    if (next) this.start(connection, next);
    else this.idle.push(connection);
  }

  /** A connection is gone (closed by either side); a waiting request may open a new one. */
  forget(connection: Connection): void {
    if (!this.open.delete(connection)) return;
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.queue.length > 0 && !this.runSignal.aborted && this.open.size < this.limit)
      this.start(this.connect(), this.queue.shift()!);
  }

  private connect(): Connection {
    const { host, port } = this;
    const socket = this.secure
      ? tlsConnect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host, port });
    socket.setNoDelay(true);
    const connection = new Connection(socket, this);
    this.open.add(connection);
    return connection;
  }

  private start(connection: Connection, flight: InFlight): void {
    const { request } = flight;
    const { body } = request;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const head = `${this.head}content-type: ${request.contentType}\r\naccept: ${request.stream ? 'text/event-stream' : '*/*'}\r\ncontent-length: ${length}\r\n\r\n`;
    connection.start(flight, head, body);
  }

  /** Starts the timer that ends requests past their deadline, ticking at a twentieth of the timeout. */
  private watch(timeoutMs: number): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.min(100, Math.max(5, timeoutMs / 20)));
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = performance.now();
    for (const connection of this.open) {
      const flight = connection.flight;
      if (flight && now >= flight.deadline)
        connection.fail({ kind: 'timeout', message: `no complete answer within ${flight.timeoutMs} ms` });
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const flight = this.queue[i]!;
      if (now < flight.deadline) continue;
      this.queue.splice(i, 1);
      settle(flight, { kind: 'timeout', message: `no complete answer within ${flight.timeoutMs} ms` });
    }
  }

  private stopAll(): void {
    for (const flight of this.queue.splice(0)) settle(flight, STOPPED);
    for (const connection of [...this.open]) {
      if (connection.flight) connection.fail(STOPPED);
      else connection.destroy();
    }
  }
}

/** One keep-alive socket and the request on it. */
class Connection implements ResponseSink {
  flight: InFlight | undefined;
  private readonly parser = new ResponseParser();
  private socketError: string | undefined;
  /** Arrival time of the read being parsed. */
  private now = 0;
  /** The read's pieces of a stream's body, handed to the SSE parser together. */
  private readonly parts: Buffer[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly target: HttpTarget,
  ) {
    socket.on('data', (read: Buffer) => this.onData(read));
    socket.on('error', (error: Error & { code?: string }) => {
      this.socketError ??= error.code ? `${error.code}: ${error.message}` : error.message;
    });
    socket.on('close', () => this.onClose());
  }

  start(flight: InFlight, head: string, body: string | Buffer): void {
    this.flight = flight;
    this.parser.reset();
    if (typeof body === 'string') this.socket.write(head + body);
    else {
      this.socket.cork();
      this.socket.write(head);
      this.socket.write(body);
      this.socket.uncork();
    }
  }

  /** Ends the request in flight with an error; the connection cannot carry another after that. */
  fail(error: RequestError): void {
    const flight = this.flight;
    if (flight) this.finish(flight, error, false);
    else this.destroy();
  }

  destroy(): void {
    this.socket.destroy();
    this.target.forget(this);
  }

  onHead(status: number): void {
    const flight = this.flight!;
    flight.exchange.status = status;
    if (flight.request.stream && status < 400) flight.sse = new SseParser();
    else flight.body = [];
  }

  onBody(part: Buffer): void {
    if (part.length === 0) return;
    if (this.flight!.sse) this.parts.push(part);
    else this.flight!.body!.push(part);
  }

  private onData(read: Buffer): void {
    const now = performance.now();
    const flight = this.flight;
    if (!flight) {
      // Bytes no request asked for: the connection is out of step with the server.
      this.destroy();
      return;
    }
    this.now = now;
    const end = this.parser.feed(read, this);
    const { parts } = this;
    if (parts.length > 0) {
      flight.sse!.push(parts.length === 1 ? parts[0]! : Buffer.concat(parts), this.now);
      parts.length = 0;
    }
    if (this.parser.malformed !== undefined)
      this.finish(
        flight,
        { kind: 'malformed', message: `not a valid HTTP/1.1 answer: ${this.parser.malformed}` },
        false,
      );
    else if (end >= 0) this.finish(flight, undefined, this.parser.keepAlive && end === read.length);
  }

  private onClose(): void {
    const flight = this.flight;
    if (flight) {
      if (this.parser.close()) this.finish(flight, undefined, false);
      else
        this.finish(
          flight,
          {
            kind: 'connection',
            message: this.socketError ?? 'the server closed the connection before the answer was complete',
          },
          false,
        );
    }
    this.target.forget(this);
  }

  private finish(flight: InFlight, error: RequestError | undefined, reusable: boolean): void {
    this.flight = undefined;
    this.parts.length = 0;
    if (reusable) this.target.release(this);
    else this.destroy();
    settle(flight, error);
  }
}

/** Completes a request: with the error given, or judged by what came back. */
function settle(flight: InFlight, error: RequestError | undefined): void {
  const { exchange, sse } = flight;
  exchange.endAt = performance.now();
  const status = exchange.status ?? 0;
  if (error) exchange.error = error;
  else if (status >= 400) {
    const text = bodyText(flight.body).slice(0, 200);
    exchange.error = { kind: 'http', status, message: text || `HTTP ${status}` };
  } else if (sse) {
    exchange.contentTimes = sse.contentTimes;
    exchange.usage = sse.usage;
    if (sse.malformed !== undefined) exchange.error = { kind: 'malformed', message: sse.malformed };
    else if (!sse.done) exchange.error = { kind: 'malformed', message: 'the stream ended before [DONE]' };
    else if (sse.contentTimes.length === 0 && (sse.usage?.completionTokens ?? 1) > 0)
      exchange.error = { kind: 'malformed', message: 'the stream carried no content' };
  } else {
    const text = bodyText(flight.body);
    if (flight.request.contentType === 'application/json' && !isJson(text))
      exchange.error = { kind: 'malformed', message: `the answer is not JSON: ${text.slice(0, 80)}` };
    else exchange.usage = usageOf(text);
  }
  flight.resolve(exchange);
}

function bodyText(body: Buffer[] | undefined): string {
  if (!body || body.length === 0) return '';
  return (body.length === 1 ? body[0]! : Buffer.concat(body)).toString('utf8');
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function usageOf(text: string): StreamUsage | undefined {
  if (!text.includes('"usage"')) return undefined;
  try {
    const usage = (JSON.parse(text) as { usage?: { prompt_tokens?: number; completion_tokens?: number } })
      .usage;
    if (usage && typeof usage.completion_tokens === 'number')
      return { completionTokens: usage.completion_tokens, promptTokens: usage.prompt_tokens };
  } catch {}
  return undefined;
}

import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { RequestError } from '../../schemas/bench-results.js';
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

/**
 * The HTTP side of a benchmark: one undici Pool to the endpoint, one request at a time per connection
 * (no pipelining, like a real client), each with its own timeout. Every failure becomes a counted
 * RequestError of a kind; nothing here throws for a failed request.
 *
 * Requests go through undici's dispatch API with a handler of our own rather than `request()`: no
 * AbortSignal, promise or body stream per request, and each read reaches the SSE parser in the same
 * turn of the event loop that took it off the socket, which is both cheaper and closer to the wire.
 */
export class HttpTarget {
  private readonly pool: Pool;
  /** Aborts of the requests in flight; one listener on the run's signal ends them all. */
  private readonly inFlight = new Set<() => void>();

  constructor(
    readonly origin: string,
    readonly path: string,
    connections: number | null,
    private readonly runSignal: AbortSignal,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    runSignal.addEventListener('abort', () => {
      for (const abort of this.inFlight) abort();
    });
  }

  send(request: PreparedRequest, timeoutMs: number): Promise<Exchange> {
    const { runSignal } = this;
    return new Promise<Exchange>((resolve) => {
      const sentAt = performance.now();
      const exchange: Exchange = { sentAt, endAt: sentAt };
      let abortDispatch: ((reason: Error) => void) | undefined;
      let stopped = false;
      let timedOut = false;
      const stop = () => {
        stopped = true;
        abortDispatch?.(new Error('stopped'));
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, timeoutMs);
      this.inFlight.add(stop);
      let parser: SseParser | undefined;
      const chunks: Buffer[] = [];
      const finish = () => {
        exchange.endAt = performance.now();
        clearTimeout(timer);
        this.inFlight.delete(stop);
        resolve(exchange);
      };
      const handler = {
        onConnect: (abort: (reason: Error) => void) => {
          abortDispatch = abort;
          if (stopped || runSignal.aborted) abort(new Error('stopped'));
        },
        onHeaders: (statusCode: number) => {
          exchange.status = statusCode;
          if (request.stream && statusCode < 400) parser = new SseParser();
          return true;
        },
        onData: (chunk: Buffer) => {
          if (parser) parser.push(chunk, performance.now());
          else chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          const status = exchange.status ?? 0;
          if (status >= 400) {
            const text = Buffer.concat(chunks).toString('utf8', 0, 800).slice(0, 200);
            exchange.error = { kind: 'http', status, message: text || `HTTP ${status}` };
          } else if (parser) {
            exchange.contentTimes = parser.contentTimes;
            exchange.usage = parser.usage;
            if (parser.malformed !== undefined)
              exchange.error = { kind: 'malformed', message: parser.malformed };
            else if (!parser.done)
              exchange.error = { kind: 'malformed', message: 'the stream ended before [DONE]' };
            else if (parser.contentTimes.length === 0 && (parser.usage?.completionTokens ?? 1) > 0)
              exchange.error = { kind: 'malformed', message: 'the stream carried no content' };
          } else {
            const text = Buffer.concat(chunks).toString('utf8');
            if (request.contentType === 'application/json' && !isJson(text))
              exchange.error = { kind: 'malformed', message: `the answer is not JSON: ${text.slice(0, 80)}` };
            else exchange.usage = usageOf(text);
          }
          finish();
        },
        onError: (error: Error) => {
          exchange.error = classify(error, timedOut, runSignal.aborted, timeoutMs);
          finish();
        },
      };
      this.pool.dispatch(
        {
          method: 'POST',
          path: this.path,
          headers: {
            'content-type': request.contentType,
            accept: request.stream ? 'text/event-stream' : '*/*',
          },
          body: request.body,
        },
        handler,
      );
    });
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
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

function classify(error: unknown, timedOut: boolean, runAborted: boolean, timeoutMs: number): RequestError {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return { kind: 'timeout', message: `no complete answer within ${timeoutMs} ms` };
  if (runAborted) return { kind: 'aborted', message: 'the run stopped before the answer completed' };
  if (code === 'UND_ERR_RESPONSE_STATUS_CODE') return { kind: 'http', message };
  return { kind: 'connection', message: code ? `${code}: ${message}` : message };
}

import { request as httpRequestOf } from 'node:http';
import { request as httpsRequestOf } from 'node:https';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string or bytes as they are; a FormData encoded as multipart/form-data, its boundary in the header. */
  body?: string | Uint8Array | FormData;
  timeoutMs: number;
  /** Ends the request early (Ctrl-C, an overall deadline), as the timeout does. */
  signal?: AbortSignal;
}

/**
 * One HTTP request through node:http, its status and body as text. Not fetch: it refuses ports a model
 * server may well use (6000, 10080 …), and when a port forwarder accepts a connection and then resets it
 * (Docker's, while the container is not listening yet) its promise may never settle, where node:http
 * fails at once.
 */
export async function httpRequest(
  url: string,
  { method = 'GET', headers = {}, body, timeoutMs, signal }: HttpRequestOptions,
): Promise<{ status: number; text: string }> {
  let bytes: string | Uint8Array | undefined;
  const sent = { ...headers };
  if (body instanceof FormData) {
    const encoded = new Response(body);
    bytes = new Uint8Array(await encoded.arrayBuffer());
    sent['content-type'] = encoded.headers.get('content-type')!;
  } else bytes = body;
  if (bytes !== undefined) sent['content-length'] = String(Buffer.byteLength(bytes));
  const abort = signal
    ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    // An abort fails with its reason (a TimeoutError for the timeout), as fetch does.
    const fail = (error: Error) => reject(error.name === 'AbortError' && abort.reason ? abort.reason : error);
    const requestOf = url.startsWith('https:') ? httpsRequestOf : httpRequestOf;
    const request = requestOf(url, { method, headers: sent, agent: false, signal: abort }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => {
        text += part;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', fail);
    });
    request.on('error', fail);
    request.end(bytes);
  });
}

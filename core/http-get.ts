import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/**
 * One GET, its status and body, through node:http. Not fetch: it refuses ports a model server may well
 * use (6000, 10080 …), and when a port forwarder accepts a connection and then resets it (Docker's, while
 * the container is not listening yet) its promise may never settle, where node:http fails at once.
 */
export function getOnce(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const request = get(url, { agent: false, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => {
        text += part;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

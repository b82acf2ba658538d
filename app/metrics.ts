import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'probot';
import { Counter, Histogram, Registry } from 'prom-client';
import { httpStatus } from '../core/github-client.js';

/** The app's Prometheus metrics, one registry per app instance (tests run several in one process). */
export class AppMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'gantry_app_events_total',
    help: 'Webhook events, by event and action, and outcome (handled, duplicate, error).',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly apiCalls = new Counter({
    name: 'gantry_app_github_requests_total',
    help: 'GitHub API requests made while handling events, by event, method and status.',
    labelNames: ['event', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'gantry_app_errors_total',
    help: 'Events whose handling failed, by event.',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'gantry_app_event_duration_seconds',
    help: 'Time to handle one webhook event, by event.',
    labelNames: ['event'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Counts the GitHub requests an event's client makes, labelled with the event. */
  countRequests(context: Context, event: string): void {
    context.octokit.hook.after('request', (response, options) => {
      this.apiCalls.inc({ event, method: options.method, status: String(response.status) });
    });
    context.octokit.hook.error('request', (error, options) => {
      this.apiCalls.inc({
        event,
        method: options.method,
        status: String(httpStatus(error) ?? 'none'),
      });
      throw error;
    });
  }

  /** `/metrics` in Prometheus' text format and `/healthz`; false for any other path. */
  handler() {
    return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET') return false;
      if (path === '/healthz') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
        return true;
      }
      if (path === '/metrics') {
        response
          .writeHead(200, { 'content-type': this.registry.contentType })
          .end(await this.registry.metrics());
        return true;
      }
      return false;
    };
  }
}

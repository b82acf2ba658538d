import { createHmac, randomUUID } from 'node:crypto';
import type { Handler } from './github-simulator.js';

/** The app's webhook secret in the tests: GitHub signs every delivery with it. */
export const WEBHOOK_SECRET = 'webhook-secret';

/** Delivers a webhook as GitHub does: JSON body, event headers and an HMAC-SHA256 signature. */
export async function deliverWebhook(
  url: string,
  event: string,
  payload: unknown,
  guid: string = randomUUID(),
): Promise<number> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': guid,
      'x-hub-signature-256': signature,
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

export interface SimulatedDelivery {
  id: number;
  guid: string;
  event: string;
  payload: Record<string, unknown>;
  status_code: number;
  delivered_at: string;
  redelivery: boolean;
}

/**
 * GitHub's side of webhooks: it delivers events to the app's URL, keeps a log of every delivery and its
 * answer (GET /app/hook/deliveries, newest first, paged by cursor) and delivers one again when asked
 * (POST /app/hook/deliveries/{id}/attempts: answered 202 at once, delivered afterwards). It never
 * redelivers by itself.
 */
export class WebhookDeliveries {
  readonly log: SimulatedDelivery[] = [];
  /** Where the app takes deliveries. */
  target = '';
  private readonly pending: Promise<unknown>[] = [];

  constructor(private readonly newId: () => number) {}

  async send(
    event: string,
    payload: unknown,
    guid: string = randomUUID(),
    redelivery = false,
  ): Promise<number> {
    const status = await deliverWebhook(this.target, event, payload, guid);
    this.log.push({
      id: this.newId(),
      guid,
      event,
      payload: payload as Record<string, unknown>,
      status_code: status,
      delivered_at: new Date().toISOString(),
      redelivery,
    });
    return status;
  }

  /** Resolves once every redelivery asked for so far has been answered. */
  async settled(): Promise<void> {
    while (this.pending.length) await Promise.all(this.pending.splice(0));
  }

  private item(d: SimulatedDelivery) {
    const installation = d.payload.installation as { id?: number } | undefined;
    const repository = d.payload.repository as { id?: number } | undefined;
    return {
      id: d.id,
      guid: d.guid,
      delivered_at: d.delivered_at,
      redelivery: d.redelivery,
      duration: 0.05,
      status: d.status_code < 400 ? 'OK' : `Invalid HTTP Response: ${d.status_code}`,
      status_code: d.status_code,
      event: d.event,
      action: typeof d.payload.action === 'string' ? d.payload.action : null,
      installation_id: installation?.id ?? null,
      repository_id: repository?.id ?? null,
    };
  }

  routes(baseUrl: () => string): Record<string, Handler> {
    return {
      'GET /app/hook/deliveries': (_, query) => {
        const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
        const status = query.get('status');
        const newestFirst = [...this.log]
          .reverse()
          .filter((d) => !status || (status === 'success') === (d.status_code >= 200 && d.status_code < 400));
        const cursor = query.get('cursor');
        const start = cursor ? newestFirst.findIndex((d) => `v1_${d.id}` === cursor) : 0;
        const page = newestFirst.slice(Math.max(0, start), Math.max(0, start) + perPage);
        const next = newestFirst[Math.max(0, start) + perPage];
        const headers: Record<string, string> = next
          ? {
              link: `<${baseUrl()}/app/hook/deliveries?per_page=${perPage}&cursor=v1_${next.id}>; rel="next"`,
            }
          : {};
        return { status: 200, body: page.map((d) => this.item(d)), headers };
      },
      'POST /app/hook/deliveries/{delivery_id}/attempts': (p) => {
        const found = this.log.find((d) => d.id === Number(p.delivery_id));
        if (!found) return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
        this.pending.push(this.send(found.event, found.payload, found.guid, true));
        return { status: 202, body: {} };
      },
    };
  }
}

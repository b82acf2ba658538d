import type { Probot } from 'probot';
import {
  deliveriesToRedeliver,
  REDELIVERY_WINDOW_MS,
  type WebhookDelivery,
} from '../core/app/redelivery-plan.js';

/**
 * Asks GitHub to send again the deliveries of the last hour that the app failed (core/app/redelivery-plan.ts):
 * GitHub never does by itself, so an event whose delivery met an outage would be lost. Lists the app's
 * deliveries newest first, as the app (JWT), and stops at the first page older than the window.
 * Returns the ids redelivered.
 */
export async function redeliverFailed(app: Probot, now = Date.now()): Promise<number[]> {
  const octokit = await app.auth();
  const deliveries: WebhookDelivery[] = [];
  for await (const page of octokit.paginate.iterator(octokit.rest.apps.listWebhookDeliveries, {
    per_page: 100,
  })) {
    deliveries.push(...page.data);
    const oldest = page.data.at(-1);
    if (!oldest || now - Date.parse(oldest.delivered_at) > REDELIVERY_WINDOW_MS) break;
  }
  const chosen = deliveriesToRedeliver(deliveries, now);
  for (const id of chosen) await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: id });
  if (chosen.length) app.log.info({ deliveries: chosen }, 'failed deliveries redelivered');
  return chosen;
}

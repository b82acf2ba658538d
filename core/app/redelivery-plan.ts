/** One delivery of a webhook event to the app, as GitHub lists them (GET /app/hook/deliveries). */
export interface WebhookDelivery {
  id: number;
  /** The event's id, the same for every delivery of it (X-GitHub-Delivery). */
  guid: string;
  delivered_at: string;
  status_code: number;
}

/** Deliveries of one event at most: the first and three redeliveries. */
export const DELIVERY_ATTEMPTS = 4;

/** How far back deliveries are looked at: a sweep every few minutes gives an event several chances. */
export const REDELIVERY_WINDOW_MS = 60 * 60 * 1000;

/** GitHub's own classification: a delivery answered 200–399 succeeded. */
const succeeded = (d: WebhookDelivery) => d.status_code >= 200 && d.status_code < 400;

/**
 * The deliveries to ask GitHub to send again: for each event of the window that no delivery handled,
 * its newest delivery, while the event has had fewer than DELIVERY_ATTEMPTS. GitHub itself never
 * redelivers; the app's handlers are idempotent, so a second delivery of a handled event changes
 * nothing, but none is asked for.
 */
export function deliveriesToRedeliver(deliveries: readonly WebhookDelivery[], now: number): number[] {
  const events = new Map<string, WebhookDelivery[]>();
  for (const delivery of deliveries) {
    if (now - Date.parse(delivery.delivered_at) > REDELIVERY_WINDOW_MS) continue;
    events.set(delivery.guid, [...(events.get(delivery.guid) ?? []), delivery]);
  }
  const chosen: number[] = [];
  for (const attempts of events.values()) {
    if (attempts.some(succeeded) || attempts.length >= DELIVERY_ATTEMPTS) continue;
    chosen.push(attempts.reduce((newest, d) => (d.id > newest.id ? d : newest)).id);
  }
  return chosen;
}

import type { ApplicationFunctionOptions, Context, Probot } from 'probot';
import { ConfigCache } from '../core/app/config-cache.js';
import { dashboardHandler } from './dashboard.js';
import { forgetChangedConfig } from './forget-changed-config.js';
import { memoizeReads } from './memoize-reads.js';
import { AppMetrics } from './metrics.js';
import { promotionStatusCheck } from './promotion-status-check.js';
import { protectionRule } from './protection-rule.js';
import { publishResults } from './publish-results.js';
import { recordPromotion } from './record-promotion.js';
import { rerunBenchmark } from './rerun-benchmark.js';
import { slashCommand } from './slash-command.js';
import { validateManifests } from './validate-manifests.js';

/** Delivery ids this process handled; a redelivery of one is skipped before any API call. */
class RecentDeliveries {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 10_000) {}
  has(id: string): boolean {
    return this.seen.has(id);
  }
  add(id: string): void {
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
  }
}

/** Gantry's GitHub App: wires webhook events to handlers; what to decide lives in core/. */
export default function gantryApp(app: Probot, options?: ApplicationFunctionOptions): void {
  const metrics = new AppMetrics();
  const deliveries = new RecentDeliveries();
  const configs = new ConfigCache();
  options?.addHandler(metrics.handler());
  options?.addHandler(dashboardHandler(app, process.env.GANTRY_DASHBOARD_TOKEN));

  /** Every handler is measured, and a delivery already handled here is not handled again. */
  let handlers = 0;
  const handle = <C extends Context>(handler: (context: C) => Promise<void>) => {
    // Each wired handler's own number: handlers made by factories have no name to tell them apart.
    const handlerId = handlers++;
    return async (context: C) => {
      const event = `${context.name}.${(context.payload as { action?: string }).action ?? ''}`;
      // One delivery can go to several handlers (a pull request event: manifests and promotion).
      const key = `${context.id} ${handlerId}`;
      if (deliveries.has(key)) {
        metrics.events.inc({ event, outcome: 'duplicate' });
        return;
      }
      metrics.countRequests(context, event);
      memoizeReads(context.octokit);
      const stop = metrics.latency.startTimer({ event });
      try {
        await handler(context);
        deliveries.add(key);
        metrics.events.inc({ event, outcome: 'handled' });
      } catch (error) {
        metrics.events.inc({ event, outcome: 'error' });
        metrics.errors.inc({ event });
        throw error;
      } finally {
        stop();
      }
    };
  };

  app.on(
    ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'],
    handle(validateManifests),
  );
  app.on('workflow_run.completed', handle(publishResults(configs)));
  app.on(['check_run.rerequested', 'check_run.requested_action'], handle(rerunBenchmark(configs)));
  app.on('issue_comment.created', handle(slashCommand(app, configs)));
  app.on('push', handle(forgetChangedConfig(configs)));
  app.on(
    [
      'pull_request.opened',
      'pull_request.synchronize',
      'pull_request.reopened',
      'pull_request_review.submitted',
      'pull_request_review.dismissed',
      'pull_request_review.edited',
    ],
    handle(promotionStatusCheck),
  );
  app.on('pull_request.closed', handle(recordPromotion(app)));
  app.on('deployment_protection_rule.requested', handle(protectionRule));
}

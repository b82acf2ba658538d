import { run } from 'probot';
import { GantryOctokit } from './gantry-octokit.js';
import gantryApp from './index.js';
import { redeliverFailed } from './redeliver-failed.js';

/**
 * `npm run app` and the container's command: Probot's server configured from the environment (APP_ID,
 * PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST for GitHub Enterprise Server, PORT, HOST,
 * LOG_LEVEL), with webhooks at /api/github/webhooks, /healthz and /metrics; rate limits are waited out and
 * failed deliveries sent again every GANTRY_REDELIVER_INTERVAL_S seconds (300; 0 for never), as GitHub does not.
 */
const redeliverEvery = Number(process.env.GANTRY_REDELIVER_INTERVAL_S ?? 300);
if (!(redeliverEvery >= 0)) {
  console.error(
    `GANTRY_REDELIVER_INTERVAL_S must be a number of seconds (0 for never), not "${process.env.GANTRY_REDELIVER_INTERVAL_S}"`,
  );
  process.exit(2);
}
let sweeper: NodeJS.Timeout | undefined;

const server = await run(
  (app, options) => {
    gantryApp(app, options);
    if (redeliverEvery > 0)
      sweeper = setInterval(() => {
        redeliverFailed(app).catch((error: Error) =>
          app.log.warn({ err: error }, 'redelivering failed deliveries'),
        );
      }, redeliverEvery * 1000).unref();
  },
  { Octokit: GantryOctokit },
);

// Containers are stopped with SIGTERM: finish the deliveries in flight, then exit.
process.once('SIGTERM', () => {
  clearInterval(sweeper);
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

import { run } from 'probot';
import { GantryOctokit } from './gantry-octokit.js';
import gantryApp from './index.js';

/**
 * `npm run app` and the container's command: Probot's server configured from the environment (APP_ID,
 * PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST for GitHub Enterprise Server, PORT, HOST,
 * LOG_LEVEL), with webhooks at /api/github/webhooks, /healthz and /metrics; rate limits are waited out.
 */
const server = await run(gantryApp, { Octokit: GantryOctokit });

// Containers are stopped with SIGTERM: finish the deliveries in flight, then exit.
process.once('SIGTERM', () => {
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

import type { Probot } from 'probot';
import { validateManifests } from './validate-manifests.js';

/** Gantry's GitHub App: wires webhook events to handlers; what to decide lives in core/. */
export default function gantryApp(app: Probot): void {
  app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], validateManifests);
}

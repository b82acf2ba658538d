import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import Bottleneck from 'bottleneck';
import { createNodeMiddleware, Probot } from 'probot';
import { GantryOctokit } from '../../app/gantry-octokit.js';
import gantryApp from '../../app/index.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { WEBHOOK_SECRET } from '../github-simulator/webhook-deliveries.js';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/**
 * GitHub's own example payload of an event and action (the `index`th when there are several); `action`
 * undefined for an event that has none (`push`).
 */
export function example(name: string, action: string | undefined, index = 0): Record<string, unknown> {
  const found = examples.find((e) => e.name === name)!.examples.filter((e) => e.action === action)[index];
  if (!found) throw new Error(`no example of ${name}${action ? `.${action}` : ''}`);
  return structuredClone(found);
}

/** Most examples lack the installation an app's deliveries carry. */
export const INSTALLATION = { id: 42, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=' };

export function generatePrivateKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** The app behind its webhook middleware over HTTP, talking to a GitHub simulator. */
export class AppHarness {
  readonly simulator = new GitHubSimulator();
  private server?: Server;
  url = '';
  /** The app's Probot, for what runs outside deliveries (the sweep of failed deliveries). */
  probot!: Probot;

  /**
   * `retries`: Octokit's retry plugin on (as in production, without its waits) instead of off.
   * `throttling`: the app's rate-limit handling on too, waiting milliseconds where GitHub asks for
   * seconds, and without the second between writes Probot keeps in production.
   */
  constructor(private readonly options: { retries?: boolean; throttling?: boolean } = {}) {}

  async start(): Promise<void> {
    await this.simulator.start();
    const unpaced = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
    this.probot = new Probot({
      appId: 1,
      privateKey: generatePrivateKey(),
      secret: WEBHOOK_SECRET,
      baseUrl: this.simulator.url,
      // Tests must see a refused request at once: unless asked for, no throttling and no retries.
      Octokit: GantryOctokit.defaults((options: Record<string, { [key: string]: unknown }>) => ({
        ...options,
        throttle: this.options.throttling
          ? { ...options.throttle, retryAfterBaseValue: 1, write: unpaced(), notifications: unpaced() }
          : { ...options.throttle, enabled: false },
        retry:
          this.options.retries || this.options.throttling ? { retryAfterBaseValue: 1 } : { enabled: false },
      })),
      logLevel: 'fatal',
    });
    this.server = createServer(
      await createNodeMiddleware(gantryApp, { probot: this.probot, webhooksPath: '/' }),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    this.simulator.webhooks.target = `${this.url}/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    this.server?.close();
    await this.simulator.stop();
  }

  /** Delivers a webhook as GitHub does: JSON body, event headers and an HMAC-SHA256 signature. */
  async deliver(event: string, payload: unknown, id: string = randomUUID()): Promise<number> {
    return this.simulator.webhooks.send(event, payload, id);
  }

  /**
   * Delivers an event three times: twice with one delivery id (GitHub's redelivery) and once with a new
   * one (the same event sent again). Returns the statuses the app answered with.
   */
  async deliverThrice(event: string, payload: unknown): Promise<number[]> {
    const id = randomUUID();
    const statuses = [];
    for (const delivery of [id, id, randomUUID()])
      statuses.push(await this.deliver(event, payload, delivery));
    return statuses;
  }

  /**
   * Delivers until the app answers 200, as an operator redelivers a failed delivery (same id); the event
   * is also sent again under a new id. Returns how many deliveries failed on the way.
   */
  async deliverUntilHandled(event: string, payload: unknown): Promise<number> {
    let failed = 0;
    for (const id of [randomUUID(), randomUUID()]) {
      for (let attempt = 0; ; attempt++) {
        if ((await this.deliver(event, payload, id)) === 200) break;
        failed++;
        if (attempt === 10) throw new Error(`${event} never handled`);
      }
    }
    return failed;
  }
}

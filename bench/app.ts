// The app against the GitHub simulator: handling time per event kind (delivery round trip over HTTP,
// signature checked, every API request answered and validated by the simulator), events/s, and the
// GitHub API requests each kind costs. Prints a table and writes bench/results/app.json.

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { AppHarness } from '../test/app/app-harness.js';
import { PromotionBench } from '../test/app/promotion-fixtures.js';
import {
  artifactZip,
  commentCreated,
  gateReport,
  pullRequestOpened,
  standardRepository,
  workflowRunCompleted,
} from '../test/app/results-fixtures.js';

const EVENTS = Number(process.env.APP_BENCH_EVENTS ?? 200);
const REPO = 'Codertocat/Hello-World';
// One harness per part: the promotion repository has a history of its own.

const harness = new AppHarness();
await harness.start();
const { simulator } = harness;
const repo = simulator.repository(REPO);
standardRepository(simulator, REPO);
const zip = artifactZip({ 'models/chat/gate-report.json': gateReport('fail') });
const manifest =
  'name: acme/chat\nversion: 1.0.0\ntask: llm\nserver:\n  type: openai\n  command: [node, server.mjs]\n';

interface Kind {
  name: string;
  /** Prepares event i and returns its delivery (event name, payload, delivery id). */
  prepare: (i: number) => { event: string; payload: unknown; id?: string };
}

const kinds: Kind[] = [
  {
    name: 'workflow_run.completed: results → gantry/gate + PR comment',
    prepare: (i) => {
      const head = simulator.commit(REPO, { 'models/chat/model.yml': `${manifest}# ${i}\n` });
      simulator.pullRequest(REPO, 1000 + i, head, ['models/chat/model.yml']);
      simulator.artifact(REPO, 10_000 + i, 'gantry-results', zip);
      return {
        event: 'workflow_run',
        payload: workflowRunCompleted(10_000 + i, head, [1000 + i]),
        id: `results-${i}`,
      };
    },
  },
  {
    name: 'workflow_run.completed: the same event again (new delivery id)',
    prepare: (i) => {
      const head = repo.pulls.get(1000 + i)!.head.sha;
      return { event: 'workflow_run', payload: workflowRunCompleted(10_000 + i, head, [1000 + i]) };
    },
  },
  {
    name: 'workflow_run.completed: redelivery (same delivery id)',
    prepare: (i) => {
      const head = repo.pulls.get(1000 + i)!.head.sha;
      return {
        event: 'workflow_run',
        payload: workflowRunCompleted(10_000 + i, head, [1000 + i]),
        id: `results-${i}`,
      };
    },
  },
  {
    name: 'issue_comment.created: /benchmark by a writer',
    prepare: (i) => {
      const head = simulator.commit(REPO, { 'model.yml': manifest }, { branch: `bench-${i}` });
      simulator.pullRequest(REPO, 5000 + i, head, ['model.yml'], { ref: `bench-${i}` });
      return {
        event: 'issue_comment',
        payload: commentCreated(5000 + i, 50_000 + i, '/benchmark chat', 'alice'),
      };
    },
  },
  {
    name: 'pull_request.opened: validate the changed model.yml',
    prepare: (i) => {
      const head = simulator.commit(REPO, { 'models/chat/model.yml': `${manifest}# pr ${i}\n` });
      simulator.pullRequest(REPO, 20_000 + i, head, ['models/chat/model.yml']);
      return { event: 'pull_request', payload: pullRequestOpened(20_000 + i, head) };
    },
  },
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

/** One delivery over HTTP: how long the app took to answer, and the GitHub API requests it made. */
async function deliverTimed(
  on: AppHarness,
  name: string,
  { event, payload, id }: { event: string; payload: unknown; id?: string },
): Promise<{ ms: number; calls: number }> {
  const before = on.simulator.calls.length;
  const t0 = performance.now();
  const status = await on.deliver(event, payload, id ?? randomUUID());
  const ms = performance.now() - t0;
  if (status !== 200) throw new Error(`${name}: a delivery answered ${status}`);
  return { ms, calls: on.simulator.calls.length - before };
}

/** A table row of one event kind: `seconds` is the time the events took, for events/s. */
function row(kind: string, samples: readonly { ms: number; calls: number }[], seconds: number) {
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    kind,
    events: samples.length,
    events_per_s: Math.round(samples.length / seconds),
    p50_ms: Number(percentile(times, 0.5).toFixed(1)),
    p99_ms: Number(percentile(times, 0.99).toFixed(1)),
    api_calls_per_event: Number((samples.reduce((sum, s) => sum + s.calls, 0) / samples.length).toFixed(2)),
  };
}

/** Figures are only worth printing if GitHub would have taken every request. */
function checkAccepted(on: AppHarness): void {
  if (on.simulator.violations.length)
    throw new Error(`the simulator saw requests GitHub would refuse:\n${on.simulator.violations.join('\n')}`);
}

/** Delivers `count` events of a kind (numbered from `first`), one after another, and measures them. */
async function measure(kind: Kind, name: string, count: number, first = 0) {
  const samples = [];
  const started = performance.now();
  for (let i = first; i < first + count; i++)
    samples.push(await deliverTimed(harness, name, kind.prepare(i)));
  return row(name, samples, (performance.now() - started) / 1000);
}

// One event first, so the installation token and the app's identity are fetched outside the figures.
await harness.deliver('pull_request', kinds[4]!.prepare(EVENTS).payload);
// The repository's first results read its configuration, which the app then keeps until a push changes
// it: measured on its own, so the rows below are the steady state.
const rows = [await measure(kinds[0]!, `${kinds[0]!.name}, the first in a repository`, 1, EVENTS + 1)];
for (const kind of kinds) rows.push(await measure(kind, kind.name, EVENTS));
await harness.stop();
checkAccepted(harness);

// Promotions, one after another on a repository of their own: each version's promotion pull request is
// opened, approved by an owner and merged, and its commit then asks the protection rule for production.
const PROMOTIONS = Number(process.env.APP_BENCH_PROMOTIONS ?? 30);
const promotionHarness = new AppHarness();
await promotionHarness.start();
const promotion = new PromotionBench(promotionHarness);
const versions = Array.from({ length: PROMOTIONS }, (_, i) => `1.${3 + i}.0`);
// Each version passed its gate against the one production runs when its turn comes.
await promotion.setUp(versions.map((v, i) => [v, 'pass', `1.${2 + i}.0`] as const));
const promotionKinds = {
  opened: 'pull_request.opened: a promotion pull request → gantry/promotion',
  review: 'pull_request_review.submitted: an owner approves a promotion',
  merged: 'pull_request.closed: a merged promotion → release, deployment, audit entry',
  protection: 'deployment_protection_rule.requested: approve a deployment by its gate',
} as const;
const measured = new Map<string, { ms: number; calls: number }[]>();
async function timed(kind: string, event: string, payload: unknown): Promise<void> {
  const samples = measured.get(kind) ?? [];
  measured.set(kind, samples);
  samples.push(await deliverTimed(promotionHarness, kind, { event, payload }));
}
for (const [i, version] of versions.entries()) {
  const number = 100 + i;
  const { head } = promotion.promotionPull(number, version, 'alice');
  await timed(
    promotionKinds.opened,
    'pull_request',
    promotion.pullPayload('pull_request', 'opened', number, head),
  );
  const review = promotion.promotions.review(REPO, number, 'maria', 'APPROVED', head);
  await timed(
    promotionKinds.review,
    'pull_request_review',
    promotion.reviewPayload(review, 'submitted', head),
  );
  await timed(promotionKinds.merged, 'pull_request', promotion.merge(number, head));
  await timed(
    promotionKinds.protection,
    'deployment_protection_rule',
    promotion.protectionRequest(7000 + i, promotion.shas[version]!),
  );
}
await promotionHarness.stop();
checkAccepted(promotionHarness);
const deployed = promotion.releases.repository(REPO).deployments.length;
if (deployed !== PROMOTIONS)
  throw new Error(`${deployed} deployments recorded for ${PROMOTIONS} merged promotions`);
// Setting up each promotion is not the app's work: events/s counts the deliveries' own time.
for (const [kind, samples] of measured)
  rows.push(row(kind, samples, samples.reduce((sum, s) => sum + s.ms, 0) / 1000));

console.log('| event | n | events/s | p50 ms | p99 ms | API calls/event |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(
    `| ${r.kind} | ${r.events} | ${r.events_per_s} | ${r.p50_ms} | ${r.p99_ms} | ${r.api_calls_per_event} |`,
  );
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/app.json',
  `${JSON.stringify({ measured: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);

import { environmentChange } from '../../core/commands/environment-change.js';
import { GitHubRegistry } from '../../core/registry/github-registry.js';
import type { Verdict } from '../../schemas/gate-verdict.js';
import { SimulatedPromotions, type SimulatedReview } from '../github-simulator/promotion-routes.js';
import { SimulatedReleases } from '../github-simulator/release-routes.js';
import { simulatorOctokit } from '../github-simulator/simulator-octokit.js';
import { versionDraft } from '../registry/registry-contract.js';
import { type AppHarness, example, INSTALLATION } from './app-harness.js';

export const REPO = 'Codertocat/Hello-World';
export const ENV_FILE = '.gantry/environments/production.yml';

export const MODEL = `name: acme/chat
version: 1.4.0
owners: [maria, tim, acme/ml-platform]
environments:
  staging: { approvals: 0 }
  production: { approvals: 1 }
`;
/** What production runs: acme/chat 1.2.0, promoted after 1.1.0. */
export const PRODUCTION = `models:
  acme/chat:
    version: 1.2.0
    history:
      - { seq: 1, model: acme/chat, environment: production, from: null, to: 1.1.0, reason: promote, actor: maria, time: "2026-11-01T10:00:00.000Z" }
      - { seq: 2, model: acme/chat, environment: production, from: 1.1.0, to: 1.2.0, reason: promote, actor: maria, time: "2026-11-10T10:00:00.000Z" }
`;
const BASE_FILES = {
  'README.md': '# models',
  'models/chat/model.yml': MODEL,
  '.github/CODEOWNERS': '/.gantry/environments/ @carol\n',
  [ENV_FILE]: PRODUCTION,
};

/**
 * A model repository for promotion scenarios on the app's simulator: acme/chat runs 1.2.0 in production,
 * its owners are maria, tim (triage only) and the team acme/ml-platform (bob), carol owns the environment
 * files by CODEOWNERS, and the versions given are recorded in the registry, each at a commit of its own.
 */
export class PromotionBench {
  readonly releases: SimulatedReleases;
  readonly promotions: SimulatedPromotions;
  /** Commits of the recorded versions: what a protection rule is asked about. */
  readonly shas: Record<string, string> = {};

  constructor(readonly harness: AppHarness) {
    this.releases = new SimulatedReleases(harness.simulator);
    this.promotions = new SimulatedPromotions(harness.simulator);
  }

  state() {
    return this.harness.simulator.repository(REPO);
  }

  /** An Octokit of the repository's owner, as the tests read what the app wrote. */
  at() {
    const [owner, repo] = REPO.split('/') as [string, string];
    return { octokit: simulatorOctokit(this.harness.simulator.url), owner, repo };
  }

  async setUp(versions: readonly (readonly [string, Verdict, string?])[]): Promise<void> {
    const simulator = this.harness.simulator;
    this.state().defaultBranch = 'master';
    simulator.commit(REPO, BASE_FILES, { branch: 'master' });
    for (const [login, role] of [
      ['alice', 'write'],
      ['maria', 'maintain'],
      ['tim', 'triage'],
      ['bob', 'write'],
      ['carol', 'admin'],
    ] as const)
      this.state().collaborators.set(login, role);
    this.promotions.teams.set('acme/ml-platform', new Set(['bob']));
    const registry = new GitHubRegistry({ ...this.at(), branch: 'master' });
    for (const [version, verdict, against] of versions) {
      const sha = simulator.commit(REPO, { ...BASE_FILES, VERSION: version }, { branch: 'master' });
      this.shas[version] = sha;
      await registry.record(
        versionDraft('acme/chat', version, sha, { verdict, ...(against ? { against } : {}) }),
        { actor: 'ci', now: new Date('2026-11-20T10:00:00.000Z') },
      );
    }
  }

  /**
   * The promotion pull request `/promote` opens: the environment file changed on a branch of its own,
   * the move asked for by `requester` (the author, unless the app opened it on someone's comment).
   */
  promotionPull(number: number, version: string | 'rollback', author: string, requester = author) {
    const state = this.state();
    const base = state.branches.get('master')!;
    const change = environmentChange(
      state.commits.get(base)!.get(ENV_FILE),
      version === 'rollback'
        ? { kind: 'rollback', model: 'acme/chat', environment: 'production' }
        : { kind: 'promote', model: 'acme/chat', version, environment: 'production' },
      { actor: requester, now: new Date('2026-11-23T10:00:00.000Z'), note: 'faster decoding' },
    );
    const files = { ...Object.fromEntries(state.commits.get(base)!), [ENV_FILE]: change.text };
    // The branch starts at the base: the promotion commit's parent is what the base branch was then.
    state.branches.set(change.branch, base);
    const head = this.harness.simulator.commit(REPO, files, { branch: change.branch });
    this.harness.simulator.pullRequest(REPO, number, head, [ENV_FILE], { ref: change.branch, user: author });
    return { head, base, files };
  }

  /** GitHub's example payload of a pull request event, for pull request `number` at `head`. */
  pullPayload(event: string, action: string, number: number, head: string, extra: object = {}) {
    const payload = example(event, action);
    const pr = payload.pull_request as Record<string, unknown>;
    const pull = this.state().pulls.get(number)!;
    return {
      ...payload,
      installation: INSTALLATION,
      pull_request: {
        ...pr,
        number,
        html_url: `https://github.com/${REPO}/pull/${number}`,
        state: 'open',
        user: { ...(pr.user as object), login: pull.user },
        head: { ...(pr.head as object), ref: pull.head.ref, sha: head },
        base: { ...(pr.base as object), ref: 'master', sha: pull.base.sha },
        ...extra,
      },
    };
  }

  /** The `pull_request_review` event of a review (`submitted`, or `dismissed` once it is). */
  reviewPayload(review: SimulatedReview, action: 'submitted' | 'dismissed', head: string) {
    return {
      ...this.pullPayload('pull_request_review', action, review.pull, head),
      review: { ...this.promotions.reviewBody(REPO, review), state: review.state.toLowerCase() },
    };
  }

  /** A merge by maria: the base branch moves to `head`, the pull request closes; returns GitHub's event. */
  merge(number: number, head: string) {
    this.state().branches.set('master', head);
    this.state().pulls.get(number)!.state = 'closed';
    return this.mergedPayload(number, head);
  }

  /** The `pull_request.closed` event of a merge at `head`, merged by maria. */
  mergedPayload(number: number, head: string) {
    return this.pullPayload('pull_request', 'closed', number, head, {
      state: 'closed',
      merged: true,
      merge_commit_sha: head,
      merged_by: { ...(example('pull_request', 'closed').sender as object), login: 'maria' },
    });
  }

  /** A `deployment_protection_rule.requested` payload in the shape of GitHub's schema of the event. */
  protectionRequest(run: number, sha: string) {
    const opened = example('pull_request', 'opened');
    const repository = opened.repository as Record<string, unknown>;
    return {
      action: 'requested',
      environment: 'production',
      event: 'push',
      sha,
      ref: 'refs/heads/master',
      deployment_callback_url: `https://api.github.com/repos/${REPO}/actions/runs/${run}/deployment_protection_rule`,
      deployment: {
        url: `https://api.github.com/repos/${REPO}/deployments/${run}`,
        id: run,
        node_id: `DE_${run}`,
        sha,
        ref: 'master',
        task: 'deploy',
        payload: {},
        original_environment: 'production',
        environment: 'production',
        description: null,
        creator: opened.sender,
        created_at: '2026-11-23T10:00:00Z',
        updated_at: '2026-11-23T10:00:00Z',
        statuses_url: `https://api.github.com/repos/${REPO}/deployments/${run}/statuses`,
        repository_url: `https://api.github.com/repos/${REPO}`,
        transient_environment: false,
        production_environment: true,
      },
      pull_requests: [],
      repository,
      installation: INSTALLATION,
      sender: opened.sender,
    };
  }

  /** The `gantry/promotion` check runs of a commit, oldest first. */
  checksOn(head: string) {
    return this.state().checkRuns.filter((r) => r.head_sha === head && r.name === 'gantry/promotion');
  }
}

import type { GitHubSimulator, Reply } from './github-simulator.js';
import { commitListEntry, NOT_FOUND, person } from './simulated-bodies.js';

/**
 * Pull-request reviews, team memberships and the custom deployment protection rule callback, for the
 * GitHub simulator: what the app reads to decide a promotion and how it answers a protection rule.
 */

export interface SimulatedReview {
  id: number;
  pull: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commit_id: string;
}

/** A protection-rule answer as the app posted it to a run. */
export interface ProtectionReview {
  run: number;
  environment_name: string;
  state: 'approved' | 'rejected';
  comment: string;
}

interface PromotionState {
  reviews: SimulatedReview[];
  /** Every answer posted; GitHub keeps the first per run and environment. */
  protectionReviews: ProtectionReview[];
}

const API = 'https://api.github.com';

export class SimulatedPromotions {
  private readonly repos = new Map<string, PromotionState>();
  /** Active members by team (`org/team`). */
  readonly teams = new Map<string, Set<string>>();

  constructor(private readonly simulator: GitHubSimulator) {
    simulator.addRoutes(this.routes());
  }

  repository(fullName: string): PromotionState {
    let state = this.repos.get(fullName);
    if (!state) {
      state = { reviews: [], protectionReviews: [] };
      this.repos.set(fullName, state);
    }
    return state;
  }

  /** A review submitted on a pull request at a commit; returns it (to dismiss it later). */
  review(
    fullName: string,
    pull: number,
    user: string,
    state: SimulatedReview['state'],
    commit_id: string,
  ): SimulatedReview {
    const review = { id: this.simulator.newId(), pull, user, state, commit_id };
    this.repository(fullName).reviews.push(review);
    return review;
  }

  /** The first answer to each run and environment: the one GitHub acts on. */
  decisions(fullName: string): ProtectionReview[] {
    const first = new Map<string, ProtectionReview>();
    for (const review of this.repository(fullName).protectionReviews) {
      const key = `${review.run} ${review.environment_name}`;
      if (!first.has(key)) first.set(key, review);
    }
    return [...first.values()];
  }

  reviewBody(full: string, review: SimulatedReview) {
    const html = `https://github.com/${full}/pull/${review.pull}#pullrequestreview-${review.id}`;
    const pullUrl = `${API}/repos/${full}/pulls/${review.pull}`;
    return {
      id: review.id,
      node_id: `PRR_${review.id}`,
      user: person(review.user),
      body: '',
      state: review.state,
      html_url: html,
      pull_request_url: pullUrl,
      _links: { html: { href: html }, pull_request: { href: pullUrl } },
      submitted_at: '2026-11-23T10:00:00Z',
      commit_id: review.commit_id,
      author_association: 'COLLABORATOR',
    };
  }

  /** Commits reachable from a commit, itself first, nearest first. */
  private ancestors(full: string, from: string): string[] {
    const info = this.simulator.repository(full).commitInfo;
    const seen: string[] = [];
    const queue = [from];
    while (queue.length > 0) {
      const sha = queue.shift()!;
      if (seen.includes(sha) || !info.has(sha)) continue;
      seen.push(sha);
      queue.push(...info.get(sha)!.parents);
    }
    return seen;
  }

  /** Two commits compared as GitHub does (`BASE...HEAD`): their merge base and the commits between. */
  private compare(p: Record<string, string>, query: URLSearchParams): Reply {
    const full = `${p.owner}/${p.repo}`;
    const repo = this.simulator.repository(full);
    const [baseRef, headRef] = p.basehead!.split('...') as [string, string?];
    const resolve = (ref: string) => repo.branches.get(ref) ?? (repo.commitInfo.has(ref) ? ref : undefined);
    const base = resolve(baseRef);
    const head = headRef === undefined ? undefined : resolve(headRef);
    if (!base || !head) return NOT_FOUND();
    const fromBase = this.ancestors(full, base);
    const fromHead = this.ancestors(full, head);
    const mergeBase = fromHead.find((sha) => fromBase.includes(sha));
    if (!mergeBase) return NOT_FOUND();
    const entry = (sha: string) => commitListEntry(full, sha, repo.commitInfo.get(sha)!);
    const ahead = fromHead.filter((sha) => !fromBase.includes(sha)).reverse();
    const behind = fromBase.filter((sha) => !fromHead.includes(sha)).length;
    const status =
      ahead.length && behind ? 'diverged' : ahead.length ? 'ahead' : behind ? 'behind' : 'identical';
    const url = `${API}/repos/${full}/compare/${p.basehead}`;
    const page = this.simulator.page(ahead.map(entry), query, `/repos/${full}/compare/${p.basehead}`);
    return {
      ...page,
      body: {
        url,
        html_url: `https://github.com/${full}/compare/${p.basehead}`,
        permalink_url: `https://github.com/${full}/compare/${base}...${head}`,
        diff_url: `https://github.com/${full}/compare/${p.basehead}.diff`,
        patch_url: `https://github.com/${full}/compare/${p.basehead}.patch`,
        base_commit: entry(base),
        merge_base_commit: entry(mergeBase),
        status,
        ahead_by: ahead.length,
        behind_by: behind,
        total_commits: ahead.length,
        commits: page.body,
      },
    };
  }

  private routes(): Record<string, (p: Record<string, string>, q: URLSearchParams, body: unknown) => Reply> {
    return {
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': (p, query) => {
        const full = `${p.owner}/${p.repo}`;
        const all = this.repository(full).reviews.filter((r) => r.pull === Number(p.pull_number));
        return this.simulator.page(
          all.map((r) => this.reviewBody(full, r)),
          query,
          `/repos/${full}/pulls/${p.pull_number}/reviews`,
        );
      },
      'GET /repos/{owner}/{repo}/compare/{basehead}': (p, query) => this.compare(p, query),
      'GET /orgs/{org}/teams/{team_slug}/memberships/{username}': (p) => {
        const members = this.teams.get(`${p.org}/${p.team_slug}`);
        if (!members?.has(p.username!)) return NOT_FOUND();
        return {
          status: 200,
          body: {
            url: `${API}/organizations/1/team/1/memberships/${p.username}`,
            role: 'member',
            state: 'active',
          },
        };
      },
      'POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule': (p, _, body) => {
        const b = body as { environment_name?: string; state?: string; comment?: string };
        if (!b.environment_name || (b.state !== 'approved' && b.state !== 'rejected'))
          return { status: 422, body: { message: 'Validation Failed', documentation_url: '' } };
        const state = this.repository(`${p.owner}/${p.repo}`);
        const review = {
          run: Number(p.run_id),
          environment_name: b.environment_name,
          state: b.state,
          comment: b.comment ?? '',
        } as const;
        const earlier = state.protectionReviews.find(
          (r) => r.run === review.run && r.environment_name === review.environment_name,
        );
        // A gate is decided once: a later, different answer would be lost on GitHub.
        if (earlier && (earlier.state !== review.state || earlier.comment !== review.comment))
          this.simulator.violations.push(
            `deployment_protection_rule of run ${review.run} in ${review.environment_name} answered ${earlier.state}, then ${review.state}`,
          );
        state.protectionReviews.push(review);
        return { status: 204 };
      },
    };
  }
}

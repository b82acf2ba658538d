import type { Context } from 'probot';
import type { PermissionLookup } from '../core/commands/authorize-command.js';
import { environmentOfPath, environmentPath } from '../core/commands/environment-change.js';
import { fileText, unlessNotFound } from '../core/github-client.js';
import { isManifestPath } from '../core/manifest/find-manifests.js';
import { codeownersOf, parseCodeowners } from '../core/promotion/codeowners.js';
import { promotionRules } from '../core/promotion/promotion-rules.js';
import type { PromotionFacts, ProposedChange, Review } from '../core/promotion/promotion-status.js';
import {
  type EnvironmentFileVersions,
  type ProposedMove,
  promotionAuthor,
} from '../core/promotion/proposed-moves.js';
import type { ModelRegistry } from '../core/registry/model-registry.js';
import { collaboratorPermission } from './collaborator-permission.js';

type AppOctokit = Context['octokit'];
interface Repo {
  owner: string;
  repo: string;
}

/** Where GitHub looks for CODEOWNERS, in the order it looks. */
const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/** The environments whose desired-state file a pull request changes. */
export async function changedEnvironments(
  octokit: AppOctokit,
  repo: Repo,
  pullNumber: number,
): Promise<string[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  return [...new Set(files.flatMap((f) => environmentOfPath(f.filename) ?? []))].sort();
}

/**
 * Each environment's file as it is at the base and at the head (absent where it does not exist), and at
 * the pull request's fork point when that is not the base.
 */
export function environmentFiles(
  octokit: AppOctokit,
  repo: Repo,
  environments: readonly string[],
  at: { base: string; head: string; forkPoint?: string },
): Promise<EnvironmentFileVersions[]> {
  const forkPoint = at.forkPoint !== at.base ? at.forkPoint : undefined;
  return Promise.all(
    environments.map(async (environment) => {
      const path = environmentPath(environment);
      const [base, head, forked] = await Promise.all([
        fileText(octokit, repo, path, at.base),
        fileText(octokit, repo, path, at.head),
        forkPoint ? fileText(octokit, repo, path, forkPoint) : undefined,
      ]);
      return {
        environment,
        ...(base !== undefined ? { base } : {}),
        ...(head !== undefined ? { head } : {}),
        ...(forkPoint ? { forkPoint: forked !== undefined ? { text: forked } : {} } : {}),
      };
    }),
  );
}

/** Where a pull request's head branched off its base (their merge base); the base itself when GitHub finds none. */
export async function forkPointOf(
  octokit: AppOctokit,
  repo: Repo,
  base: string,
  head: string,
): Promise<string> {
  const comparison = await unlessNotFound(
    octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: 1 }),
  );
  return comparison?.data.merge_base_commit.sha ?? base;
}

/** Whether a user is an active member of a team (`org/team`); anything but a clear yes is a no. */
async function isTeamMember(octokit: AppOctokit, team: string, username: string): Promise<boolean> {
  const [org, team_slug] = team.replace(/^@/, '').split('/') as [string, string];
  const membership = await unlessNotFound(
    octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug, username }),
  );
  return membership?.data.state === 'active';
}

/**
 * The promotion rules of models, read from their model.yml at a commit: owners, approvals and whether an
 * emergency rollback is allowed. A model whose model.yml is not found is not in the map.
 */
export async function modelRules(
  octokit: AppOctokit,
  repo: Repo,
  ref: string,
  models: ReadonlySet<string>,
): Promise<{ rules: Map<string, ReturnType<typeof promotionRules>>; paths: string[] }> {
  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: ref, recursive: 'true' });
  const paths = tree.tree.flatMap((entry) => (entry.type === 'blob' && entry.path ? [entry.path] : []));
  const rules = new Map<string, ReturnType<typeof promotionRules>>();
  // A model's folder usually carries its name: those manifests are read first, and reading stops once
  // every model is found.
  const manifests = paths
    .filter(isManifestPath)
    .sort(
      (a, b) =>
        Number([...models].some((m) => b.includes(`${m.split('/').at(-1)}/`))) -
        Number([...models].some((m) => a.includes(`${m.split('/').at(-1)}/`))),
    );
  for (const path of manifests) {
    if ([...models].every((m) => rules.has(m))) break;
    const text = await fileText(octokit, repo, path, ref);
    const found = text === undefined ? undefined : promotionRules(text);
    if (found?.name && models.has(found.name) && !rules.has(found.name)) rules.set(found.name, found);
  }
  return { rules, paths };
}

/**
 * Who may approve each model's promotions, from the base commit (a pull request cannot name its own
 * approvers): owners and approvals from the model's model.yml, code owners of the environment file.
 */
async function approvalRules(octokit: AppOctokit, repo: Repo, base: string, moves: readonly ProposedMove[]) {
  const { rules, paths } = await modelRules(octokit, repo, base, new Set(moves.map((m) => m.model)));
  const codeownersPath = CODEOWNERS_PATHS.find((p) => paths.includes(p));
  const codeowners = codeownersPath
    ? parseCodeowners((await fileText(octokit, repo, codeownersPath, base)) ?? '')
    : [];
  return { rules, codeowners };
}

/**
 * Everything the `gantry/promotion` decision needs about a pull request's proposed moves, read through
 * the API: approvers and approvals, the candidates' recorded gates, the reviews, each reviewer's access
 * and their membership of the teams named as approvers.
 */
export async function promotionFacts(
  octokit: AppOctokit,
  repo: Repo,
  pull: { number: number; base: string; head: string; author: string },
  moves: readonly ProposedMove[],
  registry: ModelRegistry,
): Promise<PromotionFacts> {
  const author = promotionAuthor(pull.author, moves);
  const { rules, codeowners } = await approvalRules(octokit, repo, pull.base, moves);
  const changes: ProposedChange[] = await Promise.all(
    moves.map(async (move) => {
      // A model whose model.yml is not found names no owners and needs an approval (by a code owner).
      const model = rules.get(move.model) ?? promotionRules('');
      const recorded = await registry.get(move.model, move.version);
      const approvers = [
        ...new Set([...model.owners, ...codeownersOf(codeowners, environmentPath(move.environment))]),
      ];
      return {
        model: move.model,
        environment: move.environment,
        kind: move.kind,
        version: move.version,
        ...(move.current ? { current: move.current } : {}),
        approvals: model.approvals(move.environment),
        approvers,
        ...(recorded
          ? {
              gate: {
                verdict: recorded.gate?.verdict ?? null,
                ...(recorded.gate?.against ? { against: recorded.gate.against } : {}),
              },
            }
          : {}),
      };
    }),
  );
  const listed = await octokit.paginate(octokit.rest.pulls.listReviews, {
    ...repo,
    pull_number: pull.number,
    per_page: 100,
  });
  const reviews: Review[] = listed.flatMap((r) =>
    r.user
      ? [
          {
            user: r.user.login,
            state: r.state as Review['state'],
            commit_id: r.commit_id ?? '',
            ...(r.submitted_at ? { submitted_at: r.submitted_at } : {}),
          },
        ]
      : [],
  );
  const reviewers = [
    ...new Set(
      reviews
        .filter((r) => r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED')
        .map((r) => r.user)
        .filter((u) => u.toLowerCase() !== author.toLowerCase()),
    ),
  ];
  const teams = [...new Set(changes.flatMap((c) => c.approvers.filter((a) => a.includes('/'))))];
  const permissions: Record<string, PermissionLookup> = {};
  const memberships: Record<string, string[]> = {};
  for (const user of reviewers) {
    permissions[user] = await collaboratorPermission(octokit, repo, user);
    memberships[user] = [];
    // Someone named in person needs no team of theirs looked up.
    const named = changes.every((c) =>
      c.approvers.some((a) => a.replace(/^@/, '').toLowerCase() === user.toLowerCase()),
    );
    if (!named)
      for (const team of teams)
        if (await isTeamMember(octokit, team, user)) memberships[user].push(team.replace(/^@/, ''));
  }
  return {
    author,
    head_sha: pull.head,
    changes,
    reviews,
    permissions,
    teams: memberships,
  };
}

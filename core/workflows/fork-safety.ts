import { parse } from 'yaml';

/** Runner labels GitHub hosts; any other label (or one chosen at run time) may be a self-hosted machine. */
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-[a-z0-9.-]+$/;

/** The condition that keeps a pull request from a fork off a job: the head repository must be this one. */
const SAME_REPOSITORY_GUARD = /github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/;

/**
 * The condition that keeps a fork's run off a `workflow_run` job: the triggering run was a push, or its
 * head repository is this one. The `branches` filter of workflow_run is no guard: it matches the head
 * branch's name, which a fork chooses.
 */
const WORKFLOW_RUN_GUARD =
  /github\.event\.workflow_run\.event\s*==\s*'push'|github\.event\.workflow_run\.head_repository\.full_name\s*==\s*github\.repository/;

/** Status functions that run a job even when the jobs it needs were skipped. */
const RUNS_ANYWAY = /\b(always|failure|cancelled)\(\)/;

export interface ForkSafetyViolation {
  job: string;
  reason: string;
}

interface Job {
  'runs-on'?: unknown;
  if?: unknown;
  needs?: string | string[];
  steps?: { uses?: string; with?: Record<string, unknown> }[];
}

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === 'object' ? Object.keys(on) : [];
}

function mayRunOnSelfHosted(runsOn: unknown): boolean {
  const labels = Array.isArray(runsOn) ? runsOn : [runsOn];
  return labels.some((label) => typeof label !== 'string' || !GITHUB_HOSTED.test(label));
}

/**
 * Whether a `workflow_run` job runs only for this repository's own runs: guarded itself, or needing a
 * guarded job (a skipped job skips the jobs that need it, unless they ask to run anyway).
 */
function guardedRun(name: string, jobs: Record<string, Job>, seen = new Set<string>()): boolean {
  const job = jobs[name];
  if (!job || seen.has(name)) return false;
  seen.add(name);
  const condition = typeof job.if === 'string' ? job.if : '';
  if (WORKFLOW_RUN_GUARD.test(condition)) return true;
  if (RUNS_ANYWAY.test(condition)) return false;
  const needs = typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []);
  return needs.some((need) => guardedRun(need, jobs, seen));
}

/**
 * Proves a workflow never runs code from a fork on a self-hosted runner: every job that may land on a
 * non-GitHub-hosted runner is guarded against fork pull requests, `pull_request_target` never checks
 * out the pull request's head, and every `workflow_run` job (which runs with this repository's token and
 * secrets on whatever the triggering run left) is kept to runs of this repository's own code.
 */
export function checkForkSafety(workflowText: string): ForkSafetyViolation[] {
  const workflow = parse(workflowText) as { on?: unknown; jobs?: Record<string, Job> };
  const on = triggers(workflow.on);
  const violations: ForkSafetyViolation[] = [];
  const jobs = workflow.jobs ?? {};
  for (const [name, job] of Object.entries(jobs)) {
    if (on.includes('workflow_run') && !guardedRun(name, jobs)) {
      violations.push({
        job: name,
        reason:
          "may act on a fork's run: guard it with github.event.workflow_run.event == 'push' (or its head_repository.full_name == github.repository)",
      });
    }
    if (on.includes('pull_request') && mayRunOnSelfHosted(job['runs-on'])) {
      if (typeof job.if !== 'string' || !SAME_REPOSITORY_GUARD.test(job.if)) {
        violations.push({
          job: name,
          reason:
            'may run a fork pull request on a self-hosted runner: guard it with head.repo.full_name == github.repository',
        });
      }
    }
    if (on.includes('pull_request_target')) {
      for (const step of job.steps ?? []) {
        const ref = String(step.with?.ref ?? '');
        if (step.uses?.startsWith('actions/checkout') && /pull_request\.head|github\.head_ref/.test(ref)) {
          violations.push({
            job: name,
            reason: 'checks out the pull request head under pull_request_target',
          });
        }
      }
    }
  }
  return violations;
}

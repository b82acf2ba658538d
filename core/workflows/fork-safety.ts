import { parse } from 'yaml';

/** Runner labels GitHub hosts; any other label (or one chosen at run time) may be a self-hosted machine. */
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-[a-z0-9.-]+$/;

/** The condition that keeps a pull request from a fork off a job: the head repository must be this one. */
const SAME_REPOSITORY_GUARD = /github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/;

export interface ForkSafetyViolation {
  job: string;
  reason: string;
}

interface Job {
  'runs-on'?: unknown;
  if?: unknown;
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
 * Proves a workflow never runs code from a fork on a self-hosted runner: every job that may land on a
 * non-GitHub-hosted runner is guarded against fork pull requests, and `pull_request_target` never checks
 * out the pull request's head.
 */
export function checkForkSafety(workflowText: string): ForkSafetyViolation[] {
  const workflow = parse(workflowText) as { on?: unknown; jobs?: Record<string, Job> };
  const on = triggers(workflow.on);
  const violations: ForkSafetyViolation[] = [];
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
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

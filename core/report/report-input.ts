import type { BenchResults } from '../../schemas/bench-results.js';
import type { EvalResults } from '../../schemas/eval-results.js';
import type { GateVerdict, RuleVerdict, Verdict } from '../../schemas/gate-verdict.js';
import { isEvaluation, type Results } from '../../schemas/results.js';

/** An earlier version's results, for trends. */
export interface HistoryRun {
  version: string;
  results: readonly Results[];
}

/** Everything a report is rendered from: the verdict, the results it judged, and earlier versions. */
export interface ReportInput {
  model: string;
  candidateVersion: string;
  baselineVersion: string;
  verdict: GateVerdict;
  candidate: readonly Results[];
  baseline: readonly Results[];
  /** Earlier versions, oldest first; the candidate is not among them. */
  history?: readonly HistoryRun[];
  links?: {
    /** Where the full report is (an Actions run, an artifact, a file next to this one). */
    report?: string;
    /** The results files, shown by name and linked when they have an address. */
    results?: readonly { label: string; href?: string }[];
  };
}

/** Rules of one benchmark profile or evaluation suite: one table each, performance before quality. */
export interface RuleGroup {
  kind: 'benchmark' | 'evaluation';
  name: string;
  /** Hardware target the group's results ran on, when recorded. */
  target?: string;
  rules: RuleVerdict[];
}

/** How a group is titled: `cuda-h100 · chat` (target, then profile or suite), or just its name. */
export function groupTitle(group: Pick<RuleGroup, 'name' | 'target'>): string {
  return group.target ? `${group.target} · ${group.name}` : group.name;
}

/** The benchmark results of one profile. */
export function profileRuns(results: readonly Results[], profile: string): BenchResults[] {
  return results.filter((r): r is BenchResults => !isEvaluation(r) && (r.profile_name ?? r.kind) === profile);
}

/** The evaluation results of one suite. */
export function suiteRuns(results: readonly Results[], suite: string): EvalResults[] {
  return results.filter((r): r is EvalResults => isEvaluation(r) && (r.suite ?? r.evaluator.name) === suite);
}

export const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };

/** What a verdict means for the candidate, after its name and version. */
export const VERDICT_HEADLINE: Record<Verdict, string> = {
  pass: 'passes the gate',
  fail: 'fails the gate',
  inconclusive: 'cannot be judged yet: re-run to decide',
};

/** The verdict's warnings, led by a comparison across testbeds when one was forced. */
export function reportWarnings(verdict: GateVerdict): string[] {
  const { testbed } = verdict;
  return [
    ...(testbed.same
      ? []
      : [
          `Different testbeds were compared (candidate: ${testbed.candidate}; baseline: ${testbed.baseline}): speed changes may be the hardware's.`,
        ]),
    ...verdict.warnings,
  ];
}

/** The verdict's rules by profile and suite, in the verdict's order within each. */
export function ruleGroups(verdict: GateVerdict): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const rule of verdict.rules) {
    const kind = rule.suite !== undefined ? 'evaluation' : 'benchmark';
    const name = rule.suite ?? rule.profile ?? '';
    const key = `${kind}:${name}:${rule.target ?? ''}`;
    if (!groups.has(key))
      groups.set(key, { kind, name, ...(rule.target ? { target: rule.target } : {}), rules: [] });
    groups.get(key)!.rules.push(rule);
  }
  const all = [...groups.values()];
  return [...all.filter((g) => g.kind === 'benchmark'), ...all.filter((g) => g.kind === 'evaluation')];
}

/** `ttft_ms.p95 (chat)`: a rule as one short label. */
export function ruleLabel(rule: RuleVerdict): string {
  const group = rule.profile ?? rule.suite;
  return group ? `${rule.metric} (${groupTitle({ name: group, target: rule.target })})` : rule.metric;
}

/** How many rules got each verdict, worst first: `1 fail, 2 inconclusive, 5 pass`. */
export function verdictCounts(rules: readonly RuleVerdict[]): string {
  const count = (v: Verdict) => rules.filter((r) => r.verdict === v).length;
  return (['fail', 'inconclusive', 'pass'] as const)
    .filter((v) => count(v) > 0)
    .map((v) => `${count(v)} ${v}`)
    .join(', ');
}

/** The confidence of each rule's interval as a label, e.g. `98.3%`. */
export function percentLabel(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

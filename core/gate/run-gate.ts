import type { BenchResults } from '../../schemas/bench-results.js';
import type { EvalResults } from '../../schemas/eval-results.js';
import type { GateVerdict, RuleVerdict } from '../../schemas/gate-verdict.js';
import { benchmarkMetrics, type Direction, EVALUATOR_METRICS } from '../../schemas/metrics.js';
import type { GateRule, ModelManifest } from '../../schemas/model-manifest.js';
import { isEvaluation, type Results } from '../../schemas/results.js';
import { GantryError } from '../errors.js';
import type { SourcePosition } from '../manifest/yaml-source.js';
import calibration from './calibration.json' with { type: 'json' };
import { defaultBenchmarkRules, defaultEvaluationRules } from './default-rules.js';
import { evaluateRule } from './evaluate-rule.js';
import { benchObservations, evalObservations } from './metric-observations.js';
import { testbedOf } from './testbed.js';

export interface GateInput {
  candidate: readonly Results[];
  baseline: readonly Results[];
  manifest: ModelManifest;
  /** Where gates.rules[i] is in model.yml, for annotations. */
  locateRule?: (index: number) => (SourcePosition & { file: string }) | undefined;
  allowTestbedMismatch?: boolean;
}

interface Group {
  name: string;
  kind: 'bench' | 'eval';
  /** Hardware target of benchmark results, when recorded: each target is compared on its own. */
  target?: string;
  candidate: Results[];
  baseline: Results[];
  metrics: Record<string, Direction>;
}

/** Results grouped by benchmark profile (and hardware target) or evaluation suite: each group is compared on its own. */
function groups(input: GateInput): Group[] {
  const byName = new Map<string, Group>();
  const add = (results: Results, side: 'candidate' | 'baseline') => {
    const name = isEvaluation(results)
      ? (results.suite ?? results.evaluator.name)
      : (results.profile_name ?? results.kind);
    const kind = isEvaluation(results) ? 'eval' : 'bench';
    const target = isEvaluation(results) ? undefined : results.target;
    const key = `${kind}:${name}:${target ?? ''}`;
    let group = byName.get(key);
    if (!group) {
      const metrics = isEvaluation(results)
        ? results.evaluator.name === 'custom'
          ? // A custom evaluator's metrics, and which way is better, are declared by its suite.
            { ...input.manifest.evaluation[name]?.metrics, failed_rate: 'lower' as const }
          : { ...EVALUATOR_METRICS[results.evaluator.name as keyof typeof EVALUATOR_METRICS] }
        : Object.fromEntries(benchmarkMetrics(results.kind));
      group = { name, kind, ...(target ? { target } : {}), candidate: [], baseline: [], metrics };
      byName.set(key, group);
    }
    group[side].push(results);
  };
  for (const r of input.candidate) add(r, 'candidate');
  for (const r of input.baseline) add(r, 'baseline');
  return [...byName.values()];
}

interface Comparison {
  rule: GateRule;
  source: 'manifest' | 'default';
  index?: number;
  group: Group;
  direction: Direction;
}

function comparisons(input: GateInput, all: Group[]): Comparison[] {
  const manifestRules = input.manifest.gates.rules;
  const rules: { rule: GateRule; source: 'manifest' | 'default'; index?: number }[] = manifestRules
    ? manifestRules.map((rule, index) => ({ rule, source: 'manifest', index }))
    : all.flatMap((g) => {
        const first = g.candidate[0] ?? g.baseline[0]!;
        const defaults = isEvaluation(first)
          ? first.evaluator.name === 'custom'
            ? []
            : defaultEvaluationRules(first.evaluator.name, g.name)
          : defaultBenchmarkRules(first.kind, g.name);
        return defaults.map((rule) => ({
          rule: g.kind === 'eval' ? { ...rule, suite: g.name } : { ...rule, profile: g.name },
          source: 'default' as const,
        }));
      });
  return rules.flatMap(({ rule, source, index }) =>
    all
      .filter((g) => rule.profile === undefined || (g.kind === 'bench' && g.name === rule.profile))
      .filter((g) => rule.suite === undefined || (g.kind === 'eval' && g.name === rule.suite))
      .filter((g) => g.metrics[rule.metric] !== undefined || rule.direction !== undefined)
      .map((group) => ({
        rule,
        source,
        index,
        group,
        direction: rule.direction ?? group.metrics[rule.metric]!,
      })),
  );
}

/**
 * Judges a candidate against its baseline, rule by rule, from repetitions and raw samples: each rule is
 * pass, fail or inconclusive at a confidence corrected for the number of rules (Bonferroni), and the
 * gate fails if any rule fails, else is inconclusive if any rule is.
 */
export function runGate(input: GateInput): GateVerdict {
  const testbed = testbedOf(input.candidate, input.baseline);
  if (!testbed.same && !input.allowTestbedMismatch) {
    throw new GantryError(
      'testbed_mismatch',
      `the candidate and the baseline ran on different testbeds, so their speed cannot be compared:\n  candidate: ${testbed.candidate}\n  baseline:  ${testbed.baseline}\nRe-run both on the same runner kind, or pass --allow-testbed-mismatch to compare anyway.`,
    );
  }
  const all = groups(input);
  const planned = comparisons(input, all);
  if (planned.length === 0) {
    throw new GantryError(
      'nothing_to_compare',
      'no gate rule applies to these results: check the profile and suite names of the rules',
    );
  }
  const { confidence, run_noise: runNoise } = input.manifest.gates;
  const perRule = 1 - (1 - confidence) / planned.length;
  const warnings: string[] = [];
  const rules: RuleVerdict[] = planned.map(({ rule, source, index, group, direction }) => {
    const limit =
      rule.relative !== undefined
        ? { kind: 'relative' as const, value: rule.relative }
        : { kind: 'absolute' as const, value: rule.absolute! };
    const base = {
      metric: rule.metric,
      ...(group.kind === 'bench' ? { profile: group.name } : { suite: group.name }),
      ...(group.target ? { target: group.target } : {}),
      direction,
      limit,
      source,
      ...(index !== undefined && input.locateRule?.(index) ? { location: input.locateRule(index)! } : {}),
    };
    const side = (results: Results[]) =>
      group.kind === 'eval'
        ? evalObservations(results as EvalResults[])
        : benchObservations(results as BenchResults[], rule.metric);
    const candidate = group.candidate.length ? side(group.candidate) : undefined;
    const baseline = group.baseline.length ? side(group.baseline) : undefined;
    if (!candidate || !baseline) {
      const missing = !candidate ? 'candidate' : 'baseline';
      return {
        ...base,
        baseline: { value: null, runs: group.baseline.length, n: 0 },
        candidate: { value: null, runs: group.candidate.length, n: 0 },
        change: null,
        method: 'none',
        verdict: 'inconclusive',
        reason: `the ${missing} has no results for ${rule.metric} in ${group.name}`,
        smallest_detectable_change: null,
      };
    }
    const decision = evaluateRule({ metric: rule.metric, direction, limit }, candidate, baseline, {
      confidence: perRule,
      runNoise,
    });
    const saturated =
      group.kind === 'bench' &&
      [...group.candidate, ...group.baseline].some((r) => !isEvaluation(r) && r.client.saturated);
    if (saturated && decision.verdict !== 'inconclusive') {
      warnings.push(
        `${group.name}: the load generator was saturated in some runs; their latencies measure the client, not the server`,
      );
      return {
        ...base,
        ...decision,
        verdict: 'inconclusive',
        reason: `${decision.reason}; but the client was saturated, so the runs are not trusted`,
      };
    }
    return { ...base, ...decision };
  });
  const verdict = rules.some((r) => r.verdict === 'fail')
    ? 'fail'
    : rules.some((r) => r.verdict === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  return {
    schema_version: 1,
    verdict,
    confidence,
    confidence_per_rule: perRule,
    rules,
    testbed: {
      candidate: testbed.candidate,
      baseline: testbed.baseline,
      same: testbed.same,
      overridden: !testbed.same,
    },
    warnings: [...new Set(warnings)],
    calibration,
  };
}

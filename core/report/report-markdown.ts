import type { BenchResults } from '../../schemas/bench-results.js';
import type { RuleVerdict } from '../../schemas/gate-verdict.js';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import { isEvaluation } from '../../schemas/results.js';
import { describeLimit } from '../gate/evaluate-rule.js';
import { formatChange, formatValue } from '../gate/format-change.js';
import { type Block, fitBytes } from './fit-bytes.js';
import { mermaidTrend } from './mermaid-trend.js';
import {
  groupTitle,
  percentLabel,
  type ReportInput,
  type RuleGroup,
  reportWarnings,
  ruleGroups,
  VERDICT_HEADLINE,
  VERDICT_ICON,
  verdictCounts,
} from './report-input.js';
import { trendSeries } from './trend-series.js';

export interface MarkdownOptions {
  /** Most bytes the markdown may take. */
  limit: number;
  /** A hidden first line, so the app finds and updates its own comment. */
  marker?: string;
}

/** A table cell: pipes would end the cell, newlines the row. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function head(input: ReportInput, marker: string | undefined): string {
  const { verdict } = input;
  const lines: string[] = [];
  if (marker) lines.push(marker);
  lines.push(
    `## ${VERDICT_ICON[verdict.verdict]} ${input.model} ${input.candidateVersion} ${VERDICT_HEADLINE[verdict.verdict]}`,
    '',
    `Compared with **${input.baselineVersion}**: ${verdictCounts(verdict.rules)} of ${verdict.rules.length} rule${verdict.rules.length === 1 ? '' : 's'}, at ${percentLabel(verdict.confidence)} confidence overall.`,
  );
  const more = verdict.rules.flatMap((r) =>
    r.verdict === 'inconclusive' && r.more_repetitions ? [r.more_repetitions] : [],
  );
  if (more.length > 0)
    lines.push(
      `About ${Math.max(...more)} more run${Math.max(...more) === 1 ? '' : 's'} per side would likely decide the inconclusive rules.`,
    );
  for (const warning of reportWarnings(verdict))
    lines.push('', '> [!WARNING]', `> ${warning.replaceAll('\n', ' ')}`);
  return `${lines.join('\n')}\n`;
}

/** What is kept first when a report must be cut: failing rules, then inconclusive ones, then the rest. */
const RANK = { fail: 0, inconclusive: 2, pass: 4 } as const;

function groupTable(input: ReportInput, group: RuleGroup): Block[] {
  const first = group.rules[0]!;
  const sides =
    group.kind === 'benchmark'
      ? `${first.baseline.runs} run${first.baseline.runs === 1 ? '' : 's'} of ${input.baselineVersion}, ${first.candidate.runs} of ${input.candidateVersion}`
      : `${first.candidate.n} examples scored by both versions`;
  const interval = percentLabel(input.verdict.confidence_per_rule);
  const header: Block = {
    header: true,
    text: [
      '',
      `### ${groupTitle(group)} · ${group.kind === 'benchmark' ? 'performance' : 'quality'}`,
      '',
      `<sub>${sides}</sub>`,
      '',
      `| Metric | Baseline ${cell(input.baselineVersion)} | Candidate ${cell(input.candidateVersion)} | Change [${interval} interval] | Limit | Verdict |`,
      '| --- | ---: | ---: | --- | ---: | --- |',
      '',
    ].join('\n'),
  };
  const rows = group.rules.map((rule): Block => {
    const change = formatChange(rule.change);
    const shown = rule.verdict === 'pass' || !rule.change ? change : change.replace(/^(\S+)/, '**$1**');
    return {
      rule: true,
      priority: RANK[rule.verdict],
      text: `| \`${cell(rule.metric)}\` | ${formatValue(rule.baseline.value)} | ${formatValue(rule.candidate.value)} | ${shown} | ${describeLimit(rule.limit, rule.direction)} | ${VERDICT_ICON[rule.verdict]} ${rule.verdict} |\n`,
    };
  });
  return [header, ...rows];
}

function why(rule: RuleVerdict): Block {
  const group = rule.profile ?? rule.suite;
  const title = group ? groupTitle({ name: group, target: rule.target }) : undefined;
  const more =
    rule.verdict === 'inconclusive' && rule.more_repetitions
      ? ` About ${rule.more_repetitions} more run${rule.more_repetitions === 1 ? '' : 's'} per side would likely decide it.`
      : '';
  const at = rule.location ? ` <sub>model.yml line ${rule.location.line}</sub>` : '';
  return {
    priority: RANK[rule.verdict] + 1,
    text: `- ${VERDICT_ICON[rule.verdict]} **\`${cell(rule.metric)}\`**${title ? ` (${cell(title)})` : ''}: ${rule.reason}.${more}${at}\n`,
  };
}

export function describeLoad(profile: BenchmarkProfile): string {
  const { load } = profile;
  const cap =
    'max_concurrency' in load && load.max_concurrency ? `, at most ${load.max_concurrency} in flight` : '';
  switch (load.type) {
    case 'concurrency':
      return `closed loop, ${load.concurrency} in flight`;
    case 'gamma':
      return `gamma arrivals at ${load.rate}/s, burstiness ${load.burstiness}${cap}`;
    case 'sweep':
      return `rate sweep from ${load.start_rate}/s${load.max_rate ? ` to ${load.max_rate}/s` : ''}${cap}`;
    default:
      return `${load.type} arrivals at ${load.rate}/s${cap}`;
  }
}

/** What one run of a profile measured: requests sent (after warm-up) and over how long. */
function amount(run: BenchResults): string {
  const { summary, profile } = run;
  const warmup = profile.warmup ? ` after ${profile.warmup} warm-up` : '';
  const tokens =
    profile.input_tokens || profile.output_tokens
      ? `, ${profile.input_tokens ?? '?'} → ${profile.output_tokens ?? '?'} tokens`
      : profile.dataset
        ? `, \`${profile.dataset}\``
        : '';
  return `${summary.completed + summary.failed} requests in ${formatValue(summary.window_s)} s${warmup}${tokens}`;
}

function host(run: BenchResults): string {
  const e = run.environment;
  const gpus = e.gpus.length ? e.gpus.map((g) => `${g.name} (driver ${g.driver})`).join(', ') : 'no GPU';
  return [
    e.runner ? `runner ${e.runner}` : `host ${e.host}`,
    `${e.cpu.model} × ${e.cpu.count}`,
    `${e.memory_gb} GB`,
    gpus,
    `Node ${e.node}`,
    `gantry ${e.gantry_version}`,
    ...(e.image_digest ? [`image \`${e.image_digest}\``] : []),
    ...(e.git_sha ? [`commit \`${e.git_sha.slice(0, 12)}\``] : []),
  ].join(' · ');
}

function details(input: ReportInput): string {
  const lines = ['', '<details>', '<summary>Load, testbed and results</summary>', ''];
  const bench = input.candidate.filter((r): r is BenchResults => !isEvaluation(r));
  const profiles = new Map<string, BenchResults>();
  for (const run of bench)
    if (!profiles.has(run.profile_name ?? run.kind)) profiles.set(run.profile_name ?? run.kind, run);
  const runsOf = (results: ReportInput['candidate'], name: string) =>
    results.filter((r) => !isEvaluation(r) && (r.profile_name ?? r.kind) === name).length;
  if (profiles.size > 0) {
    lines.push(
      '| Profile | Kind | Load | Each run | Runs (baseline / candidate) |',
      '| --- | --- | --- | --- | ---: |',
    );
    for (const [name, run] of profiles)
      lines.push(
        `| ${cell(name)} | ${run.kind} | ${cell(describeLoad(run.profile))} | ${cell(amount(run))} | ${runsOf(input.baseline, name)} / ${runsOf(input.candidate, name)} |`,
      );
    lines.push('');
  }
  const suites = input.candidate.filter(isEvaluation);
  if (suites.length > 0) {
    lines.push('| Suite | Evaluator | Dataset | Rows |', '| --- | --- | --- | ---: |');
    for (const s of suites)
      lines.push(
        `| ${cell(s.suite ?? s.evaluator.name)} | ${s.evaluator.name} (${s.normaliser.name} normaliser) | \`${cell(s.dataset.path)}\` sha256 \`${s.dataset.sha256.slice(0, 12)}\` | ${s.dataset.rows} |`,
      );
    lines.push('');
  }
  const { testbed } = input.verdict;
  lines.push(
    `**Testbed**: ${testbed.same ? testbed.candidate : `candidate ${testbed.candidate}; baseline ${testbed.baseline} (compared anyway)`}  `,
  );
  if (bench[0]) lines.push(`${host(bench[0])}  `);
  const { verdict } = input;
  const calibration = verdict.calibration
    ? ` Measured on recorded noise: ${percentLabel(verdict.calibration.false_alarm_rate)} false alarms, ${percentLabel(verdict.calibration.detection_10pct)} of 10% regressions caught.`
    : '';
  lines.push(
    `**Statistics**: ${percentLabel(verdict.confidence)} confidence overall, ${percentLabel(verdict.confidence_per_rule)} per rule (corrected for ${verdict.rules.length} rules); a rule fails only when its change is both clear and beyond its limit.${calibration}`,
  );
  const files = input.links?.results ?? [];
  const report = input.links?.report ? `[Full report](${input.links.report})` : undefined;
  const named = files.map((f) => (f.href ? `[\`${f.label}\`](${f.href})` : `\`${f.label}\``));
  if (report || named.length > 0)
    lines.push('', `**Results**: ${[report, ...named].filter(Boolean).join(' · ')}`);
  lines.push('', '</details>', '');
  return lines.join('\n');
}

/** The report's markdown in parts: the verdict, the tables, the reasons and trends, the folded details. */
export interface MarkdownParts {
  head: string;
  tables: Block[];
  notes: Block[];
  details: string;
}

export function markdownParts(input: ReportInput, marker?: string): MarkdownParts {
  const tables = ruleGroups(input.verdict).flatMap((g) => groupTable(input, g));
  const notes: Block[] = [];
  const notPassing = input.verdict.rules.filter((r) => r.verdict !== 'pass');
  if (notPassing.length > 0) notes.push({ header: true, text: '\n**Why**\n\n' }, ...notPassing.map(why));
  const trends = trendSeries(input);
  if (trends.length > 0) {
    const versions = Math.max(...trends.map((t) => t.points.length));
    notes.push(
      { header: true, text: `\n### Trend over the last ${versions} versions\n` },
      ...trends.map((t) => ({ text: `\n${mermaidTrend(t)}`, priority: 5 })),
    );
  }
  return { head: head(input, marker), tables, notes, details: details(input) };
}

/** The note that ends a report cut to `limit` bytes, pointing at the full one. */
export function cutNote(input: ReportInput, limit: number): (shown: number, total: number) => string {
  const where = input.links?.report
    ? `[the full report](${input.links.report}) has every rule`
    : 'run `gantry report --format html` for the full report';
  return (shown, total) =>
    `\n> [!NOTE]\n> Cut to fit GitHub's limit of ${limit.toLocaleString('en-US')} bytes: ${shown} of ${total} rules shown; ${where}.\n`;
}

/**
 * The report as GitHub markdown: the verdict, one table per profile and suite (performance, then quality),
 * why each rule that did not pass is so, trend charts, and the load and testbed folded away; cut to
 * `limit` bytes between whole blocks when it is longer.
 */
export function reportMarkdown(input: ReportInput, options: MarkdownOptions): string {
  const parts = markdownParts(input, options.marker);
  return fitBytes(
    { head: parts.head, body: [...parts.tables, ...parts.notes], tail: parts.details },
    options.limit,
    cutNote(input, options.limit),
  );
}

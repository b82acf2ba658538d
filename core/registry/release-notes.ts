import type { BenchResults } from '../../schemas/bench-results.js';
import { LATENCY_METRICS } from '../../schemas/metrics.js';
import type { StoredVersion } from '../../schemas/model-version.js';
import { formatValue } from '../gate/format-change.js';
import { VERDICT_ICON } from '../report/report-input.js';
import { imageToRun } from './stored-versions.js';
import type { VersionFile } from './version-content.js';

/** A table cell: pipes would end the cell, newlines the row. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function benchRows(runs: BenchResults[]): string[] {
  const profiles = new Map<string, BenchResults[]>();
  for (const run of runs) {
    const name = run.profile_name ?? run.kind;
    profiles.set(name, [...(profiles.get(name) ?? []), run]);
  }
  return [...profiles].map(([name, group]) => {
    const family = LATENCY_METRICS[group[0]!.kind][0]!;
    const stat = (s: 'p50' | 'p99') =>
      formatValue(mean(group.map((r) => r.summary[family as 'latency_ms']?.[s] ?? Number.NaN)));
    const completed = group.reduce((n, r) => n + r.summary.completed, 0);
    const failed = group.reduce((n, r) => n + r.summary.failed, 0);
    const tokens = group.every((r) => r.summary.output_tokens_per_s !== undefined)
      ? `, ${formatValue(mean(group.map((r) => r.summary.output_tokens_per_s!)))} output tokens/s`
      : '';
    return `| ${cell(name)} | ${group.length} | ${completed} ok, ${failed} failed | ${family} p50 ${stat('p50')}, p99 ${stat('p99')} | ${formatValue(mean(group.map((r) => r.summary.requests_per_s)))} req/s${tokens} |`;
  });
}

/**
 * The body of a version's release: what it is, its images and its key results, for people; the
 * records themselves are the release's assets.
 */
export function releaseNotes(version: StoredVersion, files: readonly VersionFile[]): string {
  const json = (kind: string) =>
    files.filter((f) => f.ref.kind === kind).map((f) => JSON.parse(f.text) as unknown);
  const gate = version.gate
    ? `${VERDICT_ICON[version.gate.verdict]} gate **${version.gate.verdict}**${version.gate.against ? ` against ${version.gate.against}` : ''}`
    : 'not gated';
  const lines = [
    `**${version.model}** ${version.version} — commit ${version.git_sha.slice(0, 12)}, ${gate}.`,
    '',
  ];
  const images = Object.entries(version.images);
  if (images.length > 0)
    lines.push(
      '| target | image |',
      '| --- | --- |',
      ...images.map(([target, i]) => `| ${cell(target)} | \`${imageToRun(i)}\` |`),
      '',
    );
  const bench = json('bench') as BenchResults[];
  if (bench.length > 0)
    lines.push(
      '| benchmark | runs | requests | latency (ms) | throughput |',
      '| --- | --- | --- | --- | --- |',
      ...benchRows(bench),
      '',
    );
  const evaluations = json('eval') as {
    suite?: string;
    evaluator: { name: string };
    metrics: Record<string, number | null>;
  }[];
  if (evaluations.length > 0)
    lines.push(
      '| evaluation | metrics |',
      '| --- | --- |',
      ...evaluations.map(
        (e) =>
          `| ${cell(e.suite ?? e.evaluator.name)} | ${Object.entries(e.metrics)
            .map(([k, v]) => `${cell(k)} ${formatValue(v)}`)
            .join(', ')} |`,
      ),
      '',
    );
  const { run_id, run_url } = version.lineage;
  const run = run_url ? `, measured by [${run_id ? `run ${run_id}` : 'this run'}](${run_url})` : '';
  lines.push(
    `Recorded by ${version.recorded_by} at ${version.recorded_at}${run}. The records are attached: \`version.json\` lists each with its SHA-256.`,
  );
  return `${lines.join('\n')}\n`;
}

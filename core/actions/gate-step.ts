import { relative } from 'node:path';
import { describeLimit } from '../gate/evaluate-rule.js';
import { formatChange, formatValue } from '../gate/format-change.js';
import { runGate } from '../gate/run-gate.js';
import { ruleLabel, VERDICT_HEADLINE, VERDICT_ICON, verdictCounts } from '../report/report-input.js';
import { loadModel } from './load-model.js';
import { collectSides, resultsDirOf, writeRecord } from './records.js';
import type { StepIo, StepResult } from './step.js';

export interface GateStepRequest {
  model: string;
  /** Results files or folders of the candidate (default: the results folder). */
  candidate: string[];
  /** Results files or folders of the baseline (production's); none yet means nothing to judge against. */
  baseline: string[];
  allowTestbedMismatch: boolean;
  /** An inconclusive verdict fails the job too (a required check must not pass on noise). */
  failOnInconclusive: boolean;
  resultsDir?: string;
}

/**
 * Judges the candidate's results against the baseline's with the model's gate rules, writes the
 * verdict record, and fails the job on a failing (or, when asked, inconclusive) verdict.
 */
export async function gateStep(request: GateStepRequest, io: StepIo): Promise<StepResult> {
  const loaded = await loadModel(request.model, io.cwd);
  const { manifest } = loaded;
  const dir = resultsDirOf(request.resultsDir, io.cwd);
  const { candidate, baseline } = await collectSides(request, dir, io.cwd);
  const title = `${manifest.name} ${manifest.version}`;
  if (baseline.results.length === 0) {
    const why = `no baseline results for ${manifest.name} (${manifest.gates.baseline}): nothing to gate against yet; this version's results become the baseline`;
    io.warn(why);
    return { outputs: { verdict: 'none' }, summary: `## Gantry gate: ${title}\n\n${why}.\n` };
  }
  const file = relative(io.cwd, loaded.manifestPath);
  const verdict = await io.group(
    `Gate ${title} against ${baseline.results.length} baseline results`,
    async () =>
      runGate({
        candidate: candidate.results,
        baseline: baseline.results,
        manifest,
        locateRule: (i) => ({ file, ...loaded.source.locate(['gates', 'rules', i]) }),
        allowTestbedMismatch: request.allowTestbedMismatch,
      }),
  );
  const verdictFile = await writeRecord(dir, 'verdict.json', verdict);
  const rows = verdict.rules.map(
    (r) =>
      `| ${ruleLabel(r)} | ${formatValue(r.baseline.value)} | ${formatValue(r.candidate.value)} | ${formatChange(r.change)} | ${describeLimit(r.limit, r.direction)} | ${VERDICT_ICON[r.verdict]} ${r.verdict} |`,
  );
  const reasons = verdict.rules
    .filter((r) => r.verdict !== 'pass')
    .map((r) => `- ${ruleLabel(r)}: ${r.reason}`);
  const summary = [
    `## Gantry gate: ${VERDICT_ICON[verdict.verdict]} ${title} ${VERDICT_HEADLINE[verdict.verdict]}`,
    '',
    `${verdictCounts(verdict.rules)} at ${verdict.confidence * 100}% confidence.`,
    '',
    '| rule | baseline | candidate | change [interval] | limit | verdict |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...(reasons.length ? ['', ...reasons] : []),
    ...verdict.warnings.map((w) => `\n> ${w}`),
    '',
  ].join('\n');
  const fails =
    verdict.verdict === 'fail' || (verdict.verdict === 'inconclusive' && request.failOnInconclusive);
  return {
    outputs: {
      verdict: verdict.verdict,
      'verdict-file': verdictFile,
      candidate: JSON.stringify(candidate.files),
      baseline: JSON.stringify(baseline.files),
    },
    summary,
    ...(fails
      ? { failure: `gate: ${title} ${VERDICT_HEADLINE[verdict.verdict]} (${verdictCounts(verdict.rules)})` }
      : {}),
  };
}

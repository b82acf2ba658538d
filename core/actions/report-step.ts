import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gateReportOf } from '../app/gate-check.js';
import { httpStatus } from '../github-client.js';
import { htmlReport } from '../report/html-report.js';
import { jobSummary } from '../report/job-summary.js';
import { loadReportInput } from '../report/load-report-input.js';
import { commentMarker, prComment } from '../report/pr-comment.js';
import { loadModel } from './load-model.js';
import { pullRequestOf, upsertComment } from './pull-request-comment.js';
import { collectSides, resultsDirOf, writeRecord } from './records.js';
import type { StepIo, StepResult } from './step.js';

export interface ReportStepRequest {
  /** Verdict JSON of the gate (default: verdict.json in the results folder). */
  verdict?: string;
  candidate: string[];
  baseline: string[];
  /** Folder of the model.yml judged: its name and version head the report. */
  model?: string;
  /** The baseline's version, e.g. production's (default: from its results). */
  baselineVersion?: string;
  /** A token with `pull-requests: write`: the action writes the PR comment itself (no app installed). */
  token?: string;
  resultsDir?: string;
}

/**
 * Renders the gate's report: the job summary, the PR comment and the HTML report as files beside the
 * records, and, given a token on a pull request, the one PR comment created or updated in place.
 */
export async function reportStep(request: ReportStepRequest, io: StepIo): Promise<StepResult> {
  const dir = resultsDirOf(request.resultsDir, io.cwd);
  const { candidate, baseline } = await collectSides(request, dir, io.cwd);
  const manifest = request.model ? (await loadModel(request.model, io.cwd)).manifest : undefined;
  const input = await loadReportInput({
    verdict: request.verdict ?? join(dir, 'verdict.json'),
    candidate: candidate.files,
    baseline: baseline.files,
    model: manifest?.name,
    candidateVersion: manifest?.version,
    baselineVersion: request.baselineVersion,
    cwd: io.cwd,
    env: io.env,
  });
  // What the Gantry app reads from the `gantry-results` artifact to write the check run and the comment.
  await writeRecord(dir, 'gate-report.json', gateReportOf(input));
  const comment = prComment(input);
  await writeFile(join(dir, 'report.md'), comment);
  await writeFile(join(dir, 'report.html'), htmlReport(input));
  const outputs: Record<string, string> = {
    verdict: input.verdict.verdict,
    report: join(dir, 'report.html'),
  };
  const pull = await pullRequestOf(io.env);
  if (pull && request.token) {
    try {
      const posted = await io.group(`Comment on pull request #${pull.number}`, () =>
        upsertComment(pull, commentMarker(input.model), comment, {
          token: request.token!,
          baseUrl: io.env.GITHUB_API_URL || 'https://api.github.com',
        }),
      );
      io.log(`${posted.created ? 'created' : 'updated'} ${posted.url}`);
      outputs['comment-id'] = String(posted.id);
      outputs['comment-url'] = posted.url;
    } catch (error) {
      const status = httpStatus(error);
      // A fork's pull request gets a read-only token: the report stays in the job summary.
      if (status !== 403 && status !== 404) throw error;
      io.warn(
        `cannot comment on pull request #${pull.number} (HTTP ${status}): the token needs pull-requests: write; the report is in the job summary`,
      );
    }
  }
  return { outputs, summary: jobSummary(input) };
}

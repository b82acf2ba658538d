import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { annotationBatches, checkRunOutput, GATE_CHECK_NAME } from '../../core/report/check-run-output.js';
import { htmlReport } from '../../core/report/html-report.js';
import { jobSummary } from '../../core/report/job-summary.js';
import { loadReportInput } from '../../core/report/load-report-input.js';
import { prComment } from '../../core/report/pr-comment.js';
import { type CliIo, ExitCode, type ExitCode as ExitCodeType } from '../cli-io.js';
import { repositoryRoot } from '../options.js';

const FORMATS = ['pr-comment', 'check-run', 'job-summary', 'html'] as const;

interface ReportOptions {
  verdict: string;
  candidate: string[];
  baseline: string[];
  history?: string;
  format: (typeof FORMATS)[number];
  out?: string;
  model?: string;
  candidateVersion?: string;
  baselineVersion?: string;
  reportUrl?: string;
}

export function registerReport(program: Command, io: CliIo, exit: (code: ExitCodeType) => void): void {
  program
    .command('report')
    .description('render a verdict and its results: PR comment, check run, job summary or HTML report')
    .requiredOption('--verdict <file>', 'verdict JSON written by gantry gate')
    .requiredOption('--candidate <files...>', 'results files of the candidate')
    .requiredOption('--baseline <files...>', 'results files of the baseline')
    .option('--history <dir>', "a model's folder of earlier runs (as gantry pipeline keeps them), for trends")
    .addOption(new Option('--format <format>', 'what to render').choices(FORMATS).default('pr-comment'))
    .option('--out <file>', 'write the report here instead of printing it')
    .option('--model <name>', 'model name (default: from the results or the manifest folder)')
    .option('--candidate-version <version>', 'candidate version (default: from the results)')
    .option('--baseline-version <version>', 'baseline version (default: from the results)')
    .option('--report-url <url>', 'where the full report is (default: the Actions run, when in one)')
    .action(async (options: ReportOptions) => {
      const input = await loadReportInput({ ...options, cwd: io.cwd, env: io.env });
      let text: string;
      if (options.format === 'check-run') {
        const output = checkRunOutput(input, { root: await repositoryRoot(io.cwd) });
        const [first = [], ...more] = annotationBatches(output.annotations);
        const { conclusion, annotations: _, ...fields } = output;
        text = `${JSON.stringify({ name: GATE_CHECK_NAME, conclusion, output: { ...fields, annotations: first }, more_annotations: more }, null, 2)}\n`;
      } else {
        text = { 'pr-comment': prComment, 'job-summary': jobSummary, html: htmlReport }[options.format](
          input,
        );
      }
      const summaryFile = io.env.GITHUB_STEP_SUMMARY;
      if (options.format === 'job-summary' && summaryFile) await appendFile(summaryFile, text);
      if (options.out) await writeFile(resolve(io.cwd, options.out), text);
      else if (!(options.format === 'job-summary' && summaryFile)) io.stdout(text);
      exit(ExitCode.ok);
    });
}

import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { GantryError } from '../../core/errors.js';
import { readResults } from '../../core/gate/read-results.js';
import { readRunHistory, runFolderVersion } from '../../core/pipeline/run-store.js';
import { annotationBatches, checkRunOutput, GATE_CHECK_NAME } from '../../core/report/check-run-output.js';
import { htmlReport } from '../../core/report/html-report.js';
import { jobSummary } from '../../core/report/job-summary.js';
import { prComment } from '../../core/report/pr-comment.js';
import type { ReportInput } from '../../core/report/report-input.js';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import type { Results } from '../../schemas/results.js';
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

async function readVerdict(path: string, shown: string): Promise<GateVerdict> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new GantryError(
      'verdict_unreadable',
      `${shown}: cannot read the verdict (${(error as Error).message})`,
    );
  }
  const parsed = GateVerdict.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GantryError(
      'verdict_malformed',
      `${shown}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** A version named by the results (evaluations record it) or by the pipeline's run folder. */
function versionOf(results: readonly Results[], files: readonly string[], fallback: string): string {
  for (const r of results) if (r.kind === 'evaluation' && r.model) return r.model.version;
  const folder = dirname(files[0] ?? '');
  return /_[^_/]+$/.test(basename(folder)) ? runFolderVersion(folder) : fallback;
}

/** The Actions run this report comes from, where the full report and results are kept as artifacts. */
function actionsRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : undefined;
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
      const at = (path: string) => resolve(io.cwd, path);
      const verdict = await readVerdict(at(options.verdict), options.verdict);
      const read = (files: string[]) => Promise.all(files.map((f) => readResults(at(f), f)));
      const candidate = await read(options.candidate);
      const baseline = await read(options.baseline);
      const manifest = verdict.rules.find((r) => r.location)?.location?.file;
      const evaluated = candidate.find((r) => r.kind === 'evaluation' && r.model);
      const model =
        options.model ??
        (evaluated?.kind === 'evaluation' ? evaluated.model?.name : undefined) ??
        (manifest ? basename(dirname(manifest)) : 'model');
      const candidateDirs = options.candidate.map((f) => dirname(at(f)));
      const input: ReportInput = {
        model,
        candidateVersion:
          options.candidateVersion ?? versionOf(candidate, options.candidate.map(at), 'candidate'),
        baselineVersion: options.baselineVersion ?? versionOf(baseline, options.baseline.map(at), 'baseline'),
        verdict,
        candidate,
        baseline,
        history: options.history ? await readRunHistory(at(options.history), candidateDirs) : undefined,
        links: {
          report: options.reportUrl ?? actionsRunUrl(io.env),
          results: [...options.candidate, ...options.baseline].map((f) => ({ label: basename(f) })),
        },
      };
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
      if (options.out) await writeFile(at(options.out), text);
      else if (!(options.format === 'job-summary' && summaryFile)) io.stdout(text);
      exit(ExitCode.ok);
    });
}

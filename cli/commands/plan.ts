import type { Command } from 'commander';
import { formatDiagnostic } from '../../core/manifest/format-diagnostic.js';
import { appendGithubOutputs, githubOutputs } from '../../core/plan/github-outputs.js';
import { planRepository } from '../../core/plan/plan-repository.js';
import { renderPlan } from '../../core/plan/render-plan.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { formatOption, type OutputFormat } from '../options.js';

interface PlanOptions {
  base?: string;
  head: string;
  all?: boolean;
  registry?: string;
  format: OutputFormat;
}

const HELP = `
A model changed when a file changed inside its folder or inside a path in its depends_on; a rename counts
for both paths. Every model is planned with --all, when the head commit has no parent, or when --base is
the all-zeros commit GitHub sends for a new branch. Models whose model.yml was deleted are listed as
removed. An invalid manifest of a planned model fails the plan (exit 1); of another model, it is a warning.

--format github writes matrix, models and has-changes to $GITHUB_OUTPUT (when set) and prints the matrix:
  strategy:
    matrix: \${{ fromJSON(needs.plan.outputs.matrix) }}
Guard the job with if: needs.plan.outputs.has-changes == 'true' (GitHub rejects an empty matrix).

Examples:
  gantry plan                                  what the last commit changed
  gantry plan --base origin/main --format json the plan of a branch, for scripts
  gantry plan --all --registry ghcr.io/acme    every model, images under ghcr.io/acme
`;

export function registerPlan(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('plan')
    .description('list the models changed between two commits and the build matrix: one image per target')
    .option('--base <ref>', 'commit to compare with (default: the first parent of --head)')
    .option('--head <ref>', 'commit to plan', 'HEAD')
    .option('--all', 'plan every model, changed or not')
    .option('--registry <registry>', 'registry of the images (default: $GANTRY_REGISTRY or 127.0.0.1:5000)')
    .addOption(formatOption(['text', 'json', 'github']))
    .addHelpText('after', HELP)
    .action(async (options: PlanOptions) => {
      const outcome = await planRepository({
        ...options,
        cwd: io.cwd,
        registry: options.registry ?? (io.env.GANTRY_REGISTRY || undefined),
      });
      for (const d of outcome.warnings) io.stderr(`${formatDiagnostic(d, io.isTTY, 'warning')}\n`);
      for (const d of outcome.errors) io.stderr(`${formatDiagnostic(d, io.isTTY)}\n`);
      const { plan } = outcome;
      if (plan === undefined) return exit(ExitCode.checkFailed);
      if (options.format === 'json') io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
      else if (options.format === 'text') io.stdout(renderPlan(plan));
      else {
        const outputs = githubOutputs(plan);
        if (io.env.GITHUB_OUTPUT) await appendGithubOutputs(io.env.GITHUB_OUTPUT, outputs);
        // The matrix on stdout for scripts; the readable plan in the job log.
        io.stdout(`${outputs.matrix}\n`);
        io.stderr(renderPlan(plan));
      }
      exit(ExitCode.ok);
    });
}

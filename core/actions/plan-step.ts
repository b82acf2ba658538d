import { formatDiagnostic } from '../manifest/format-diagnostic.js';
import { githubOutputs } from '../plan/github-outputs.js';
import { planRepository } from '../plan/plan-repository.js';
import { renderPlan } from '../plan/render-plan.js';
import { resultsDirOf, writeRecord } from './records.js';
import { runnerEvent } from './runner-event.js';
import { codeBlock, type StepIo, type StepResult } from './step.js';

export interface PlanStepRequest {
  base?: string;
  head?: string;
  all?: boolean;
  registry?: string;
  resultsDir?: string;
}

/** The commit a run compares with when none is given: a pull request's base, or what a push replaced. */
async function baseFromEvent(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const event = await runnerEvent(env);
  if (event?.name === 'push') return event.payload.before;
  if (event?.name.startsWith('pull_request')) return event.payload.pull_request?.base?.sha;
  return undefined;
}

/**
 * Plans the changed models: the build matrix (one entry per model and target), the models by name and
 * a matrix of models (one gate and report per model), plus the plan itself as a record.
 */
export async function planStep(request: PlanStepRequest, io: StepIo): Promise<StepResult> {
  // The all-zeros `before` of a new branch plans every model, as the CLI does.
  const base = request.base ?? (request.all ? undefined : await baseFromEvent(io.env));
  const outcome = await io.group('Plan the changed models', () =>
    planRepository({
      cwd: io.cwd,
      base,
      head: request.head ?? 'HEAD',
      all: request.all,
      // The repository variable the templates pass on, as `gantry plan` reads it.
      registry: request.registry ?? (io.env.GANTRY_REGISTRY || undefined),
    }),
  );
  for (const d of outcome.warnings) io.warn(formatDiagnostic(d, false, 'warning'));
  const { plan } = outcome;
  if (plan === undefined) {
    const problems = outcome.errors.map((d) => formatDiagnostic(d, false));
    return {
      outputs: { 'has-changes': 'false' },
      summary: `## Gantry plan\n\nThe plan stopped at invalid manifests:\n\n${codeBlock(problems.join('\n'))}`,
      failure: `the plan stopped at ${problems.length} manifest problem${problems.length === 1 ? '' : 's'}:\n${problems.join('\n')}`,
    };
  }
  const text = renderPlan(plan);
  io.log(text);
  const models = plan.models.map((m) => ({
    model: m.name,
    version: m.version,
    folder: m.folder,
    manifest: m.manifest,
  }));
  const file = await writeRecord(resultsDirOf(request.resultsDir, io.cwd), 'plan.json', plan);
  return {
    outputs: {
      ...githubOutputs(plan),
      'models-matrix': JSON.stringify({ include: models }),
      plan: file,
    },
    summary: `## Gantry plan\n\n${codeBlock(text)}`,
  };
}

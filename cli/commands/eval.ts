import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { chooseEvaluation } from '../../core/eval/evaluation-plan.js';
import { readDataset } from '../../core/eval/read-dataset.js';
import { runEvaluation } from '../../core/eval/run-evaluation.js';
import type { NormaliserName } from '../../core/eval/text-normalisers.js';
import { loadValidManifest } from '../../core/manifest/load-manifest.js';
import { EVALUATORS } from '../../schemas/metrics.js';
import { NORMALISERS } from '../../schemas/model-manifest.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { displayPath, formatOption, type OutputFormat } from '../options.js';
import { renderTable } from '../render-table.js';
import { TaskList } from '../task-list.js';

interface EvalOptions {
  endpoint: string;
  manifest?: string;
  suite?: string;
  evaluator?: string;
  dataset?: string;
  normaliser?: NormaliserName;
  concurrency?: number;
  timeout: number;
  modelName?: string;
  out?: string;
  outputs?: string;
  format: OutputFormat;
}

const integer = (v: string) => Number.parseInt(v, 10);

export function registerEval(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('eval')
    .description(
      "run a dataset through a model server and score its answers (wer, cer, exact_match, accuracy, f1, or a suite's own command)",
    )
    .requiredOption('--endpoint <url>', 'base URL of the model server, e.g. http://127.0.0.1:8000')
    .option('--manifest <file>', 'model.yml holding the suite')
    .option('--suite <name>', 'evaluation suite from model.yml')
    .addOption(new Option('--evaluator <name>', 'evaluator, without a suite').choices([...EVALUATORS]))
    .option('--dataset <file>', 'JSONL dataset, without a suite')
    .addOption(
      new Option('--normaliser <name>', "text normaliser (default: the suite's, else basic)").choices([
        ...NORMALISERS,
      ]),
    )
    .option('--concurrency <n>', 'rows in flight at once', integer)
    .option('--timeout <seconds>', 'per-request timeout', Number, 60)
    .option('--model-name <name>', "model name sent to OpenAI-style servers (default: the manifest's name)")
    .option('--out <file>', 'write the results JSON here')
    .option('--outputs <file>', "also write every row's answer as JSONL (batch inference)")
    .addOption(formatOption(['text', 'json']))
    .action(async (options: EvalOptions) => {
      const at = (path: string) => resolve(io.cwd, path);
      let manifest: Parameters<typeof chooseEvaluation>[2];
      if (options.manifest) {
        const loaded = await loadValidManifest(at(options.manifest), options.manifest);
        manifest = { value: loaded.manifest, path: at(options.manifest) };
      }
      const choice = chooseEvaluation(options, io.cwd, manifest, io.env);
      const dataset = await readDataset(choice.datasetPath, displayPath(io.cwd, choice.datasetPath));
      const endpoint = options.endpoint.replace(/\/+$/, '');
      const results = await new TaskList(io).run(
        `evaluate ${choice.evaluator.name} on ${dataset.path} (${dataset.rows.length} rows)`,
        (progress) =>
          runEvaluation({
            endpoint,
            dataset,
            datasetDir: dirname(choice.datasetPath),
            evaluator: choice.evaluator,
            normaliser: choice.normaliser,
            concurrency: choice.concurrency,
            timeoutMs: options.timeout * 1000,
            modelName: options.modelName ?? manifest?.value.server.model ?? manifest?.value.name ?? 'default',
            suite: choice.suite,
            model: manifest ? { name: manifest.value.name, version: manifest.value.version } : undefined,
            progress,
          }),
      );
      if (options.out) await writeFile(at(options.out), `${JSON.stringify(results, null, 2)}\n`);
      if (options.outputs) {
        const outputsFile = at(options.outputs);
        const lines = results.examples.map((e) =>
          JSON.stringify({ id: e.id, prediction: e.prediction, ...(e.error ? { error: e.error } : {}) }),
        );
        await writeFile(outputsFile, `${lines.join('\n')}\n`);
      }
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        const rows = Object.entries(results.metrics).map(([name, value]) => [
          name,
          value === null ? 'n/a' : String(Number(value.toFixed(6))),
        ]);
        io.stdout(renderTable([['METRIC', 'VALUE'], ...rows]));
        io.stdout(
          `normaliser: ${results.normaliser.name} v${results.normaliser.version}; dataset sha256 ${results.dataset.sha256.slice(0, 12)}\n`,
        );
      }
      exit(ExitCode.ok);
    });
}

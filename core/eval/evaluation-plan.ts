import { dirname, resolve } from 'node:path';
import type { EvaluationSuite, ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import type { BatchEvaluator, Evaluator } from './evaluator.js';
import { commandEvaluator } from './evaluators/command.js';
import { EVALUATORS } from './evaluators/index.js';
import { type NormaliserName, TEXT_NORMALISERS, type TextNormaliser } from './text-normalisers.js';

export interface EvaluationChoice {
  evaluator: Evaluator | BatchEvaluator;
  normaliser: TextNormaliser;
  datasetPath: string;
  concurrency: number;
  suite?: string;
}

export interface EvaluationOptions {
  suite?: string;
  evaluator?: string;
  dataset?: string;
  normaliser?: NormaliserName;
  concurrency?: number;
}

function builtIn(name: string): Evaluator {
  if (name === 'custom') {
    throw new GantryError(
      'evaluator_needs_suite',
      'a custom evaluator is a command named in model.yml: define a suite (evaluator: custom, dataset, command, metrics) and run it with --suite NAME --manifest model.yml',
    );
  }
  const evaluator = EVALUATORS[name as Evaluator['name']];
  if (!evaluator)
    throw new GantryError(
      'unknown_evaluator',
      `unknown evaluator "${name}"; choose one of ${Object.keys(EVALUATORS).join(', ')}`,
    );
  return evaluator;
}

/**
 * The evaluator of a suite of model.yml: a built-in one, or the suite's own command (evaluator: custom),
 * run from the model's folder.
 */
export function suiteEvaluator(
  name: string,
  suite: EvaluationSuite,
  modelFolder: string,
  env: NodeJS.ProcessEnv,
): Evaluator | BatchEvaluator {
  // The manifest's schema makes sure a custom suite names its command and metrics.
  return suite.evaluator === 'custom'
    ? commandEvaluator({
        suite: name,
        command: suite.command!,
        metrics: suite.metrics!,
        cwd: modelFolder,
        env,
      })
    : builtIn(suite.evaluator);
}

/** What to evaluate: a suite of model.yml, or an evaluator and dataset named on the command line. */
export function chooseEvaluation(
  options: EvaluationOptions,
  cwd: string,
  manifest?: { value: ModelManifest; path: string },
  env: NodeJS.ProcessEnv = process.env,
): EvaluationChoice {
  if (options.suite !== undefined) {
    if (!manifest) throw new GantryError('manifest_required', '--suite needs --manifest model.yml');
    const suite = manifest.value.evaluation[options.suite];
    if (!suite) {
      const known = Object.keys(manifest.value.evaluation);
      throw new GantryError(
        'unknown_suite',
        `no evaluation suite "${options.suite}" in ${manifest.path}${known.length ? `; it has: ${known.join(', ')}` : ''}`,
      );
    }
    return {
      evaluator: suiteEvaluator(options.suite, suite, dirname(manifest.path), env),
      normaliser: TEXT_NORMALISERS[options.normaliser ?? suite.normaliser],
      datasetPath: resolve(dirname(manifest.path), suite.dataset),
      concurrency: options.concurrency ?? suite.concurrency,
      suite: options.suite,
    };
  }
  if (options.evaluator === undefined || options.dataset === undefined) {
    throw new GantryError(
      'evaluation_unspecified',
      'name a suite (--suite NAME --manifest model.yml) or an evaluator and a dataset (--evaluator wer --dataset FILE.jsonl)',
    );
  }
  return {
    evaluator: builtIn(options.evaluator),
    normaliser: TEXT_NORMALISERS[options.normaliser ?? 'basic'],
    datasetPath: resolve(cwd, options.dataset),
    concurrency: options.concurrency ?? 4,
  };
}

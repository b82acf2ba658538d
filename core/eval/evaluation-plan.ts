import { dirname, resolve } from 'node:path';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import type { Evaluator } from './evaluator.js';
import { EVALUATORS } from './evaluators/index.js';
import { type NormaliserName, TEXT_NORMALISERS, type TextNormaliser } from './text-normalisers.js';

export interface EvaluationChoice {
  evaluator: Evaluator;
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
      'evaluator_unsupported',
      'custom evaluators are not run by gantry eval in this version; score the --outputs file with your command',
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

/** What to evaluate: a suite of model.yml, or an evaluator and dataset named on the command line. */
export function chooseEvaluation(
  options: EvaluationOptions,
  cwd: string,
  manifest?: { value: ModelManifest; path: string },
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
      evaluator: builtIn(suite.evaluator),
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

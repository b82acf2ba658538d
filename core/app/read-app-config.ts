import { AppConfig } from '../../schemas/app-config.js';
import { toJsonSchema } from '../../schemas/json-schemas.js';
import type { CheckAnnotation } from '../checks/manifest-check.js';
import { describeIssues } from '../manifest/describe-issue.js';
import { formatFieldPath } from '../manifest/field-path.js';
import { YamlSource } from '../manifest/yaml-source.js';

export const CONFIG_FILE = '.github/gantry.yml';
export const CONFIG_CHECK_NAME = 'gantry/config';

export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

export type ConfigReading = { config: AppConfig } | { problems: ConfigProblem[] };

let jsonSchema: object | undefined;

/**
 * Validates the repository's `.github/gantry.yml` as the config loader read it (`data`; null when the file
 * is absent). `text`, the file as written, places each problem on its line; without it problems are at 1:1.
 */
export function readAppConfig(data: unknown, text?: string): ConfigReading {
  const parsed = AppConfig.safeParse(data ?? {}, { reportInput: true });
  if (parsed.success) return { config: parsed.data };
  jsonSchema ??= toJsonSchema({ schema: AppConfig, io: 'input' });
  const source = text === undefined ? undefined : new YamlSource(text);
  const problems = describeIssues(parsed.error.issues, jsonSchema, (path) => source?.writtenAt(path));
  return {
    problems: problems.map((p) => ({
      ...(source?.locate(p.path, p.at) ?? { line: 1, column: 1 }),
      message: p.path.length ? `${formatFieldPath(p.path)}: ${p.message}` : p.message,
    })),
  };
}

/** Where a config file that is not YAML breaks, from its text; one problem at 1:1 when the text is unknown. */
export function configSyntaxProblems(text: string | undefined): ConfigProblem[] {
  const errors = text === undefined ? [] : new YamlSource(text).syntaxErrors();
  return errors.length
    ? errors.map((e) => ({ line: e.line, column: e.column, message: `not valid YAML: ${e.message}` }))
    : [{ line: 1, column: 1, message: 'not valid YAML' }];
}

/** The failing `gantry/config` check: each problem annotated where it is in the file. */
export function configCheck(problems: readonly ConfigProblem[]) {
  const annotations: CheckAnnotation[] = problems.map((p) => ({
    path: CONFIG_FILE,
    start_line: p.line,
    end_line: p.line,
    start_column: p.column,
    end_column: p.column,
    annotation_level: 'failure',
    title: CONFIG_FILE,
    message: p.message,
  }));
  return {
    conclusion: 'failure' as const,
    title: `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${CONFIG_FILE}`,
    summary: `Gantry cannot use \`${CONFIG_FILE}\` until it is fixed; nothing else was done for this event.\n\n${problems
      .map((p) => `- ${CONFIG_FILE}:${p.line}:${p.column}: ${p.message}`)
      .join('\n')}\n`,
    text: '',
    annotations,
  };
}

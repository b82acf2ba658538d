import type { z } from 'zod';
import { manifestJsonSchema } from '../../schemas/json-schemas.js';
import {
  BenchmarkProfile,
  EvaluationSuite,
  GateRule,
  ModelManifest,
  Target,
} from '../../schemas/model-manifest.js';
import type { Diagnostic } from '../../schemas/validation-report.js';
import { checkManifest, type ManifestContext, type ManifestSections } from './check-manifest.js';
import { describeIssues } from './describe-issue.js';
import { formatFieldPath } from './field-path.js';
import type { Problem } from './problem.js';
import { YamlSource } from './yaml-source.js';

export interface ParsedManifest {
  /** Present only when the manifest has no problems at all. */
  manifest?: ModelManifest;
  diagnostics: Diagnostic[];
  /** The parsed YAML, for later steps that point at lines of model.yml (gate annotations). */
  source: YamlSource;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The elements of a list that parse, at their own indexes (a sparse array), so checks keep their paths. */
function wellFormedItems(value: unknown, schema: z.ZodType): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: unknown[] = [];
  value.forEach((item, i) => {
    const result = schema.safeParse(item);
    if (result.success) items[i] = result.data;
  });
  return items;
}

/** The entries of a mapping whose values parse. */
function wellFormedEntries(value: unknown, schema: z.ZodType): Record<string, unknown> | undefined {
  if (!isMapping(value)) return undefined;
  const entries = Object.entries(value).map(([key, item]) => [key, schema.safeParse(item)] as const);
  return Object.fromEntries(entries.filter(([, r]) => r.success).map(([key, r]) => [key, r.data]));
}

/**
 * Parses each top-level section on its own (and lists and named entries item by item), so cross-field
 * checks still run on everything well-formed when something else is broken: all problems, not the first.
 */
function wellFormedSections(data: Record<string, unknown>): ManifestSections {
  const sections: Record<string, unknown> = {};
  const partial = new Set<string>();
  for (const [key, schema] of Object.entries(ModelManifest.shape)) {
    const result = schema.safeParse(data[key]);
    if (result.success) sections[key] = result.data;
    else partial.add(key);
  }
  sections.targets ??= wellFormedItems(data.targets, Target);
  sections.benchmark ??= wellFormedEntries(data.benchmark, BenchmarkProfile);
  sections.evaluation ??= wellFormedEntries(data.evaluation, EvaluationSuite);
  if (sections.gates === undefined && isMapping(data.gates)) {
    sections.gates = { rules: wellFormedItems(data.gates.rules, GateRule) };
  }
  return { ...sections, partial } as ManifestSections;
}

/**
 * Reads model.yml text into a manifest, or into every problem it has, each located at a line and column.
 * Pure: the only question asked of the world is whether referenced paths exist.
 */
export function parseManifest(text: string, file: string, context: ManifestContext): ParsedManifest {
  const source = new YamlSource(text);
  const at = (line: number, column: number, path: string, message: string): Diagnostic => ({
    file,
    line,
    column,
    path,
    message,
  });
  const syntaxErrors = source.syntaxErrors();
  if (syntaxErrors.length > 0) {
    return { source, diagnostics: syntaxErrors.map((e) => at(e.line, e.column, '', e.message)) };
  }
  let data: unknown;
  try {
    data = source.toData();
  } catch (error) {
    // yaml throws when aliases expand past the limit: a hostile or broken file, reported like any other.
    const reason = error instanceof Error ? error.message : String(error);
    return { source, diagnostics: [at(1, 1, '', `cannot read the file: ${reason}`)] };
  }
  if (data === null || data === undefined) {
    const message = 'the file is empty; a model.yml needs at least name, version, task and server';
    return { source, diagnostics: [at(1, 1, '', message)] };
  }
  if (!isMapping(data)) {
    return {
      source,
      diagnostics: [at(1, 1, '', 'expected a mapping of fields (name: …, version: …) at the top level')],
    };
  }

  const result = ModelManifest.safeParse(data, { reportInput: true });
  const found: Problem[] = result.success
    ? []
    : describeIssues(result.error.issues, manifestJsonSchema(), (path) => source.writtenAt(path));
  // A manifest that parses whole is well-formed in every section: no need to parse them one by one.
  const sections = result.success ? { ...result.data, partial: new Set<string>() } : wellFormedSections(data);
  found.push(...checkManifest(sections, context));
  // "unknown field comand (did you mean command?)" says all; "command is missing" would say it twice.
  const meant = new Set(found.flatMap((p) => (p.meant ? [formatFieldPath(p.meant)] : [])));
  const problems = found.filter((p) => !meant.has(formatFieldPath(p.path)));

  const seen = new Set<string>();
  const diagnostics = problems
    .map((problem) => {
      const { line, column } = source.locate(problem.path, problem.at);
      return at(line, column, formatFieldPath(problem.path), problem.message);
    })
    .filter((d) => {
      const key = `${d.line}:${d.column}:${d.path}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
  return diagnostics.length === 0 && result.success
    ? { source, diagnostics, manifest: result.data }
    : { source, diagnostics };
}

import { z } from 'zod';
import { AppConfig } from './app-config.js';
import { AuditEntry } from './audit-entry.js';
import { BenchResults } from './bench-results.js';
import { BuildPlan } from './build-plan.js';
import { BuildRecord } from './build-record.js';
import { DeploymentRecord } from './deployment-record.js';
import { EnvironmentFile } from './environment-file.js';
import { EvalResults } from './eval-results.js';
import { GateReport } from './gate-report.js';
import { GateVerdict } from './gate-verdict.js';
import { ModelManifest } from './model-manifest.js';
import { EnvironmentEntry, ModelVersion } from './model-version.js';
import { ValidationReport } from './validation-report.js';

/** A JSON Schema generated from a zod schema and committed under schemas/ (checked for staleness in CI). */
export interface GeneratedSchema {
  file: string;
  schema: z.ZodType;
  /** `input` for files people write (defaults are optional), `output` for files Gantry writes. */
  io: 'input' | 'output';
}

export const GENERATED_SCHEMAS: GeneratedSchema[] = [
  { file: 'model-manifest.schema.json', schema: ModelManifest, io: 'input' },
  { file: 'validation-report.schema.json', schema: ValidationReport, io: 'output' },
  { file: 'bench-results.schema.json', schema: BenchResults, io: 'output' },
  { file: 'build-plan.schema.json', schema: BuildPlan, io: 'output' },
  { file: 'build-record.schema.json', schema: BuildRecord, io: 'output' },
  { file: 'deployment-record.schema.json', schema: DeploymentRecord, io: 'output' },
  { file: 'eval-results.schema.json', schema: EvalResults, io: 'output' },
  { file: 'gate-verdict.schema.json', schema: GateVerdict, io: 'output' },
  { file: 'audit-entry.schema.json', schema: AuditEntry, io: 'output' },
  { file: 'environment-entry.schema.json', schema: EnvironmentEntry, io: 'output' },
  { file: 'model-version.schema.json', schema: ModelVersion, io: 'output' },
  { file: 'gate-report.schema.json', schema: GateReport, io: 'output' },
  { file: 'app-config.schema.json', schema: AppConfig, io: 'input' },
  { file: 'environment-file.schema.json', schema: EnvironmentFile, io: 'input' },
];

/** Draft-07: the dialect editors (yaml-language-server) and validators understand best. */
export function toJsonSchema({
  schema,
  io,
}: Pick<GeneratedSchema, 'schema' | 'io'>): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
}

let manifestSchema: Record<string, unknown> | undefined;

/** The JSON Schema of model.yml, built once per process. */
export function manifestJsonSchema(): Record<string, unknown> {
  manifestSchema ??= toJsonSchema({ schema: ModelManifest, io: 'input' });
  return manifestSchema;
}

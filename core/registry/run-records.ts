import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { BuildRecord } from '../../schemas/build-record.js';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import type { VersionRecords } from '../../schemas/model-version.js';
import { isEvaluation } from '../../schemas/results.js';
import { GantryError } from '../errors.js';
import { readResults } from '../gate/read-results.js';

async function readRecord<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new GantryError(
      'record_unreadable',
      `${path}: cannot read the ${what} (${(error as Error).message})`,
      1,
    );
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new GantryError(
    'record_malformed',
    `${path} is not a Gantry ${what} (${issue.path.join('.') || 'the record'}: ${issue.message})`,
    1,
  );
}

/**
 * The records a version is registered with, from what a pipeline run left in its folder (bench-*.json,
 * eval-*.json, verdict.json; see RunStore) and the build records `gantry build --record` wrote.
 */
export async function readRunRecords(
  runDir: string,
  options: { buildFiles?: string[]; manifestPath?: string } = {},
): Promise<VersionRecords> {
  if (!existsSync(runDir))
    throw new GantryError('run_not_found', `${runDir} does not exist: give the folder of a pipeline run`, 1);
  const files = (await readdir(runDir)).sort();
  const results = await Promise.all(
    files.filter((f) => /^(bench|eval)-.*\.json$/.test(f)).map((f) => readResults(join(runDir, f))),
  );
  if (results.length === 0 && !files.includes('verdict.json'))
    throw new GantryError(
      'run_empty',
      `${basename(runDir)} holds no results (bench-*.json, eval-*.json) nor verdict.json: is it a pipeline run folder?`,
      1,
    );
  return {
    ...(options.manifestPath ? { manifest: await readFile(options.manifestPath, 'utf8') } : {}),
    build: await Promise.all(
      (options.buildFiles ?? []).map((f) => readRecord(f, BuildRecord, 'build record')),
    ),
    bench: results.filter((r) => !isEvaluation(r)),
    eval: results.filter(isEvaluation),
    ...(files.includes('verdict.json')
      ? { gate: await readRecord(join(runDir, 'verdict.json'), GateVerdict, 'gate verdict') }
      : {}),
  };
}

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import type { VersionRecords } from '../../schemas/model-version.js';
import { isEvaluation } from '../../schemas/results.js';
import { readBuildRecord } from '../deploy/read-build-record.js';
import { GantryError } from '../errors.js';
import { readResults } from '../gate/read-results.js';
import { RunStore } from '../pipeline/run-store.js';
import { readJsonRecord } from '../read-json-record.js';

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
    build: await Promise.all((options.buildFiles ?? []).map((f) => readBuildRecord(f))),
    bench: results.filter((r) => !isEvaluation(r)),
    eval: results.filter(isEvaluation),
    ...(files.includes('verdict.json')
      ? {
          gate: await readJsonRecord(join(runDir, 'verdict.json'), GateVerdict, {
            what: 'gate verdict',
            code: 'verdict_malformed',
          }),
        }
      : {}),
  };
}

/**
 * The folder of the newest pipeline run of a model in `runsDir`, which must have measured the version
 * model.yml names now (a version is recorded with the results of that version). `shown` is how the
 * messages name the runs folder and the model's folder.
 */
export async function newestRunOfVersion(
  runsDir: string,
  manifest: { name: string; version: string },
  shown: { runs: string; modelDir: string },
): Promise<string> {
  const newest = await new RunStore(runsDir).previous(manifest.name, '');
  if (!newest)
    throw new GantryError(
      'run_not_found',
      `no pipeline run of ${manifest.name} in ${shown.runs}: run gantry pipeline ${shown.modelDir} first, or give --run`,
      1,
    );
  if (newest.version !== manifest.version)
    throw new GantryError(
      'run_version_mismatch',
      `the newest run of ${manifest.name} measured ${newest.version}, but model.yml says ${manifest.version}: run the pipeline again, or give --run`,
      1,
    );
  return newest.dir;
}

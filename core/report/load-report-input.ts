import { basename, dirname, resolve } from 'node:path';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import type { Results } from '../../schemas/results.js';
import { readResults } from '../gate/read-results.js';
import { readRunHistory, runFolderVersion } from '../pipeline/run-store.js';
import { readJsonRecord } from '../read-json-record.js';
import type { ReportInput } from './report-input.js';

/** A version named by the results (evaluations record it) or by the pipeline's run folder. */
function versionOf(results: readonly Results[], files: readonly string[], fallback: string): string {
  for (const r of results) if (r.kind === 'evaluation' && r.model) return r.model.version;
  const folder = dirname(files[0] ?? '');
  return /_[^_/]+$/.test(basename(folder)) ? runFolderVersion(folder) : fallback;
}

/** The Actions run this report comes from, where the full report and results are kept as artifacts. */
export function actionsRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : undefined;
}

export interface ReportFiles {
  /** Verdict JSON written by the gate; paths as the user gave them, relative to `cwd`. */
  verdict: string;
  candidate: readonly string[];
  baseline: readonly string[];
  /** A model's folder of earlier runs (as `gantry pipeline` keeps them), for trends. */
  history?: string;
  model?: string;
  candidateVersion?: string;
  baselineVersion?: string;
  reportUrl?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Everything a report renders, read from the gate's verdict and the results it judged. The model and
 * versions come from the options, else from the results, else from the folders they are in.
 */
export async function loadReportInput(files: ReportFiles): Promise<ReportInput> {
  const at = (path: string) => resolve(files.cwd, path);
  const verdict = await readJsonRecord(
    at(files.verdict),
    GateVerdict,
    { what: 'gate verdict', code: 'verdict_malformed', exitCode: 2 },
    files.verdict,
  );
  const read = (paths: readonly string[]) => Promise.all(paths.map((f) => readResults(at(f), f)));
  const candidate = await read(files.candidate);
  const baseline = await read(files.baseline);
  const manifest = verdict.rules.find((r) => r.location)?.location?.file;
  const evaluated = candidate.find((r) => r.kind === 'evaluation' && r.model);
  const model =
    files.model ??
    (evaluated?.kind === 'evaluation' ? evaluated.model?.name : undefined) ??
    (manifest ? basename(dirname(manifest)) : 'model');
  return {
    model,
    candidateVersion: files.candidateVersion ?? versionOf(candidate, files.candidate.map(at), 'candidate'),
    baselineVersion: files.baselineVersion ?? versionOf(baseline, files.baseline.map(at), 'baseline'),
    verdict,
    candidate,
    baseline,
    history: files.history
      ? await readRunHistory(
          at(files.history),
          files.candidate.map((f) => dirname(at(f))),
        )
      : undefined,
    links: {
      report: files.reportUrl ?? actionsRunUrl(files.env),
      results: [...files.candidate, ...files.baseline].map((f) => ({ label: basename(f) })),
    },
  };
}

import { unzipSync } from 'fflate';
import { GateReport } from '../../schemas/gate-report.js';

/** The file each model's gate outcome is in, anywhere in the artifact. */
export const GATE_REPORT_FILE = 'gate-report.json';

/** Results with raw samples are large, but an artifact past this is a mistake (or a zip bomb). */
export const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

export interface ResultsArtifact {
  /** Valid reports, by their path in the artifact, in path order. */
  reports: { path: string; report: GateReport }[];
  /** What is wrong with the artifact, each naming the file and field; empty when all is well. */
  problems: string[];
}

/**
 * Reads the gate reports out of a results artifact (a zip as GitHub serves it). Nothing is trusted:
 * each `gate-report.json` is validated, and every problem is named so the check can say what to fix.
 */
export function readResultsArtifact(zip: Uint8Array): ResultsArtifact {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (file) => {
        const wanted = file.name === GATE_REPORT_FILE || file.name.endsWith(`/${GATE_REPORT_FILE}`);
        if (wanted) total += file.originalSize;
        return wanted && total <= MAX_UNZIPPED_BYTES;
      },
    });
  } catch (error) {
    return {
      reports: [],
      problems: [`the artifact is not a readable zip archive (${(error as Error).message})`],
    };
  }
  if (total > MAX_UNZIPPED_BYTES)
    return {
      reports: [],
      problems: [`the gate reports unpack to more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MiB`],
    };
  const paths = Object.keys(files).sort();
  if (paths.length === 0)
    return {
      reports: [],
      problems: [`the artifact holds no ${GATE_REPORT_FILE}: upload one per model (see docs/app.md)`],
    };
  const reports: ResultsArtifact['reports'] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(files[path]));
    } catch (error) {
      problems.push(`${path}: not JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = GateReport.safeParse(data);
    if (parsed.success) reports.push({ path, report: parsed.data });
    else
      problems.push(
        ...parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`),
      );
  }
  return { reports, problems };
}

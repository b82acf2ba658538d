import type { Diagnostic } from '../../schemas/validation-report.js';

/** A check-run annotation as GitHub's API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title?: string;
  message: string;
}

export interface ManifestCheck {
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
}

export const MANIFEST_CHECK_NAME = 'gantry/manifest';

/** GitHub takes at most 50 annotations per request; more are sent in further updates. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Check-run text fields hold at most 65,535 bytes. */
export const SUMMARY_BYTES = 65_535;

function annotation(d: Diagnostic): CheckAnnotation {
  return {
    path: d.file,
    start_line: d.line,
    end_line: d.line,
    start_column: d.column,
    end_column: d.column,
    annotation_level: 'failure',
    title: d.path ? `model.yml: ${d.path}` : 'model.yml',
    message: d.message,
  };
}

/**
 * The `gantry/manifest` check of a pull request: every problem of the changed manifests, each an
 * annotation on its line, the same diagnostics `gantry validate` prints.
 */
export function manifestCheck(
  manifests: readonly { path: string; diagnostics: readonly Diagnostic[] }[],
): ManifestCheck {
  if (manifests.length === 0) {
    return {
      conclusion: 'neutral',
      title: 'No model.yml changed',
      summary: 'This pull request changes no model manifest.',
      annotations: [],
    };
  }
  const broken = manifests.filter((m) => m.diagnostics.length > 0);
  const all = broken.flatMap((m) => m.diagnostics);
  if (all.length === 0) {
    const names = manifests.map((m) => `\`${m.path}\``).join(', ');
    return {
      conclusion: 'success',
      title: `${manifests.length} manifest${manifests.length === 1 ? '' : 's'} valid`,
      summary: `Checked ${names}.`,
      annotations: [],
    };
  }
  const lines = ['| file | line | field | problem |', '| --- | --- | --- | --- |'];
  let summary = '';
  for (const d of all) {
    lines.push(
      `| \`${d.file}\` | ${d.line}:${d.column} | ${d.path ? `\`${d.path}\`` : ''} | ${d.message.replaceAll('|', '\\|')} |`,
    );
    const next = `${lines.join('\n')}\n`;
    if (Buffer.byteLength(next) > SUMMARY_BYTES - 200) {
      summary += '\n…and more: run `gantry validate` to see every problem.\n';
      break;
    }
    summary = next;
  }
  return {
    conclusion: 'failure',
    title: `${all.length} problem${all.length === 1 ? '' : 's'} in ${broken.length} of ${manifests.length} manifest${manifests.length === 1 ? '' : 's'}`,
    summary,
    annotations: all.map(annotation),
  };
}

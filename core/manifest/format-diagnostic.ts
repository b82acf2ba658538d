import pc from 'picocolors';
import type { Diagnostic } from '../../schemas/validation-report.js';

/** `file:line:col: path: message`, the form editors and CI logs turn into links. */
export function formatDiagnostic(
  d: Diagnostic,
  color: boolean,
  severity: 'error' | 'warning' = 'error',
): string {
  const c = pc.createColors(color);
  const where = c.bold(`${d.file}:${d.line}:${d.column}`);
  const label = severity === 'error' ? c.red(severity) : c.yellow(severity);
  return `${where}: ${label}: ${d.path ? `${c.cyan(d.path)}: ` : ''}${d.message}`;
}

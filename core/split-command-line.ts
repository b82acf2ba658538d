import { GantryError } from './errors.js';

/**
 * Splits a command line into arguments the way a POSIX shell would for quotes and backslashes, and
 * nothing more: no variables, globs or substitutions, so a workflow input can never run a shell.
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  const append = (text: string) => {
    current = (current ?? '') + text;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    const next = line[i + 1];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else append(ch);
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && next !== undefined && '"\\$`'.includes(next)) append(line[++i]!);
      else append(ch);
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      append('');
    } else if (ch === '\\' && next !== undefined) {
      append(line[++i]!);
    } else if (/\s/.test(ch)) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else {
      append(ch);
    }
  }
  if (quote !== undefined) throw new GantryError('unclosed_quote', `unclosed ${quote} quote in: ${line}`);
  if (current !== undefined) args.push(current);
  return args;
}

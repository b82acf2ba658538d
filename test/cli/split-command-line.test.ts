import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../core/split-command-line.js';

describe('splitCommandLine', () => {
  it('splits on white space and honours quotes and backslashes like a shell', () => {
    expect(splitCommandLine('  plan --base main   --format github ')).toEqual([
      'plan',
      '--base',
      'main',
      '--format',
      'github',
    ]);
    expect(splitCommandLine(`bench --slo "ttft:200, tpot:50" 'a b' c\\ d ""`)).toEqual([
      'bench',
      '--slo',
      'ttft:200, tpot:50',
      'a b',
      'c d',
      '',
    ]);
    expect(splitCommandLine(`x "say \\"hi\\"" 'it''s'`)).toEqual(['x', 'say "hi"', 'its']);
  });

  it('expands nothing: variables and substitutions stay text', () => {
    const variable = ['$', '{HOME}'].join('');
    expect(splitCommandLine(`validate $(rm -rf /) ${variable} \`id\``)).toEqual([
      'validate',
      '$(rm',
      '-rf',
      '/)',
      variable,
      '`id`',
    ]);
  });

  it('rejects an unclosed quote', () => {
    expect(() => splitCommandLine('plan "main')).toThrow('unclosed " quote');
  });
});

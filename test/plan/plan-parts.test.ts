import { describe, expect, it } from 'vitest';
import { changeReasons } from '../../core/plan/change-reasons.js';
import { formatGithubOutputs } from '../../core/plan/github-outputs.js';
import { changedPaths, parseRawDiff } from '../../core/plan/parse-raw-diff.js';
import { pathAndAncestors, repoPath } from '../../core/plan/repo-path.js';
import { treePathExists } from '../../core/plan/tree-path-exists.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

describe('parseRawDiff', () => {
  it('reads modifications, deletions and renames, names with spaces and newlines included', () => {
    const output = [
      `:100644 100644 ${A} ${B} M`,
      'models/a/weights.bin',
      `:100644 000000 ${A} ${ZERO} D`,
      'models/old/model.yml',
      `:100644 100644 ${A} ${A} R100`,
      'shared/odd name\n.txt',
      'models/b/odd name\n.txt',
      '',
    ].join('\0');
    const changes = parseRawDiff(output);
    expect(changes).toEqual([
      { status: 'M', path: 'models/a/weights.bin', oldBlob: A, newBlob: B },
      { status: 'D', path: 'models/old/model.yml', oldBlob: A, newBlob: ZERO },
      { status: 'R', from: 'shared/odd name\n.txt', path: 'models/b/odd name\n.txt', oldBlob: A, newBlob: A },
    ]);
    expect(changedPaths(changes)).toEqual([
      'models/a/weights.bin',
      'models/old/model.yml',
      'shared/odd name\n.txt',
      'models/b/odd name\n.txt',
    ]);
  });
});

describe('repository paths', () => {
  it('resolves depends_on paths against the model folder', () => {
    expect(repoPath('models/asr', '../../shared/tok/')).toBe('shared/tok');
    expect(repoPath('', './shared')).toBe('shared');
    expect(repoPath('models/asr', '..')).toBe('models');
    expect(repoPath('models', '../..')).toBe('..');
    expect(pathAndAncestors('a/b/c')).toEqual(['a/b/c', 'a/b', 'a', '']);
  });

  it('knows files and the folders holding them, nothing else', () => {
    const exists = treePathExists(['models/a/model.yml', 'models/b/data/x.jsonl']);
    expect(['models/a/model.yml', 'models/b/data', 'models', ''].every(exists)).toBe(true);
    expect(exists('models/c')).toBe(false);
    expect(exists('models/a/model')).toBe(false);
  });
});

describe('changeReasons', () => {
  const root = { folder: '', dependencies: [] };
  const asr = { folder: 'models/asr', dependencies: ['shared', 'shared/tok', 'models/asr/sub'] };
  const chat = { folder: 'models/chat', dependencies: [] };

  it('gives one reason per model and path: its folder first, else the nearest dependency', () => {
    const reasons = changeReasons(
      [asr, chat],
      ['shared/tok/vocab.txt', 'models/asr/sub/x', 'models/chatter/y'],
    );
    expect(reasons.get(asr)).toEqual([
      { kind: 'dependency', dependency: 'shared/tok', path: 'shared/tok/vocab.txt' },
      { kind: 'changed', path: 'models/asr/sub/x' },
    ]);
    expect(reasons.has(chat)).toBe(false);
  });

  it('counts every change for a model at the root of the repository', () => {
    expect(changeReasons([root], ['README.md']).get(root)).toEqual([{ kind: 'changed', path: 'README.md' }]);
  });
});

describe('formatGithubOutputs', () => {
  it('writes one-line values plainly and others with a delimiter no value can forge', () => {
    const text = formatGithubOutputs({ matrix: '{"include":[]}', notes: 'two\nlines' });
    expect(text).toMatch(
      /^matrix=\{"include":\[\]\}\nnotes<<(ghadelimiter_[0-9a-f-]{36})\ntwo\nlines\n\1\n$/,
    );
  });
});

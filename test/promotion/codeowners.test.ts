import { describe, expect, it } from 'vitest';
import { codeownersOf, parseCodeowners } from '../../core/promotion/codeowners.js';

const FILE = `# Owners
*                         @acme/everyone
*.yml                     @yaml-people
/.gantry/environments/    @acme/ml-platform  # promotions
/.gantry/environments/production.yml @acme/sre @carol
docs/**/*.md              @writer
models/*/weights/         @bob
`;

describe('CODEOWNERS', () => {
  const rules = parseCodeowners(FILE);
  it.each([
    ['.gantry/environments/production.yml', ['@acme/sre', '@carol']],
    ['.gantry/environments/staging.yml', ['@acme/ml-platform']],
    ['models/chat/model.yml', ['@yaml-people']],
    ['docs/a/b/guide.md', ['@writer']],
    ['docs/guide.md', ['@writer']],
    ['models/chat/weights/model.bin', ['@bob']],
    ['models/chat/weights.bin', ['@acme/everyone']],
    ['README.md', ['@acme/everyone']],
  ])('%s is owned by %j (the last matching rule)', (path, owners) => {
    expect(codeownersOf(rules, path)).toEqual(owners);
  });

  it('anchors a pattern with a slash to the root, and matches one without at any depth', () => {
    const anchored = parseCodeowners('/config.yml @root-only\nsettings.yml @anywhere\n');
    expect(codeownersOf(anchored, 'config.yml')).toEqual(['@root-only']);
    expect(codeownersOf(anchored, 'deep/config.yml')).toEqual([]);
    expect(codeownersOf(anchored, 'deep/settings.yml')).toEqual(['@anywhere']);
  });
});

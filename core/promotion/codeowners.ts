/** One rule of a CODEOWNERS file: a path pattern and its owners (`@user`, `@org/team`, or an e-mail). */
interface CodeownersRule {
  matches: (path: string) => boolean;
  owners: string[];
}

/** A CODEOWNERS pattern as GitHub reads it (gitignore rules, without negation) turned into a matcher. */
function patternMatcher(pattern: string): (path: string) => boolean {
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  const directory = pattern.endsWith('/');
  const body = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  let regex = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '*' && body[i + 1] === '*') {
      // "**/" is any number of folders; a trailing "**" is everything below.
      regex += body[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += body[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') regex += '[^/]*';
    else if (c === '?') regex += '[^/]';
    else regex += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern matches the path itself or anything below it (a folder's files).
  const tail = directory ? '/.*' : '(?:/.*)?';
  const compiled = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${regex}${tail}$`);
  return (path) => compiled.test(path);
}

/** Parses a CODEOWNERS file: comments and blank lines skipped, the last matching rule wins. */
export function parseCodeowners(text: string): CodeownersRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [pattern, ...owners] = line.split(/\s+/);
      return { matches: patternMatcher(pattern!), owners };
    });
}

/** The owners of a path: those of the last rule that matches it, none when no rule does. */
export function codeownersOf(rules: CodeownersRule[], path: string): string[] {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.matches(path)) return rules[i]!.owners;
  return [];
}

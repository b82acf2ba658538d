import { GantryError } from '../errors.js';

/** The entries of a model.yml section named by the user, in their order; every entry when none are named. */
export function selectNamed<T>(
  all: Record<string, T>,
  chosen: readonly string[],
  what: string,
): [string, T][] {
  if (chosen.length === 0) return Object.entries(all);
  return chosen.map((name) => {
    const found = all[name];
    if (found === undefined)
      throw new GantryError(
        `unknown_${what}`,
        `no ${what} "${name}" in model.yml; it has: ${Object.keys(all).join(', ') || 'none'}`,
      );
    return [name, found];
  });
}

import type { z } from 'zod';
import { allowedKeys } from './allowed-keys.js';
import type { FieldPath } from './field-path.js';
import type { Problem } from './problem.js';
import { closestMatch, didYouMean } from './suggest.js';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'nothing',
};

/** How a YAML value reads to the person who wrote it. */
function describeInput(value: unknown, written?: string): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${written ?? String(value)}`;
}

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function expectedTypes(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'invalid_type') return [typeName(issue.expected)];
  if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => branch.flatMap(expectedTypes));
  return [];
}

function bounds(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return small
        ? `needs at least ${limit} item${limit === 1 ? '' : 's'}`
        : `allows at most ${limit} items`;
    case 'string':
      if (small && limit === 1) return 'must not be empty';
      return small ? `must be at least ${limit} characters` : `must be at most ${limit} characters`;
    default: {
      const relation = small
        ? inclusive
          ? 'at least'
          : 'greater than'
        : inclusive
          ? 'at most'
          : 'less than';
      return `must be ${relation} ${limit}`;
    }
  }
}

/**
 * Turns zod's issues for a manifest into located, actionable problems. `writtenAt` gives a scalar as the
 * user wrote it, so `version: 1.0` is quoted back as 1.0 and not as the number 1.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  jsonSchema: object,
  writtenAt: (path: FieldPath) => string | undefined = () => undefined,
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol') as FieldPath;
    const describeValue = (value: unknown) => describeInput(value, writtenAt(path));
    const field = path.at(-1);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = allowedKeys(jsonSchema, path);
        return issue.keys.map((key): Problem => {
          const meant = closestMatch(key, known);
          return {
            path: [...path, key],
            at: 'key',
            message: `unknown field "${key}"${meant ? ` (did you mean "${meant}"?)` : `; expected one of ${known.join(', ')}`}`,
            ...(meant ? { meant: [...path, meant] } : {}),
          };
        });
      }
      case 'invalid_type':
        if (input === undefined) return [{ path, at: 'value', message: `missing required field "${field}"` }];
        return [
          {
            path,
            at: 'value',
            message: `expected ${typeName(issue.expected)}, got ${describeValue(input)}${
              issue.expected === 'string' && typeof input === 'number' ? ' (put it in quotes)' : ''
            }`,
          },
        ];
      case 'invalid_value': {
        const values = issue.values.map(String);
        if (input === undefined) {
          return [
            { path, at: 'value', message: `missing required field "${field}" (one of ${values.join(', ')})` },
          ];
        }
        const hint = typeof input === 'string' ? didYouMean(input, values) : '';
        return [
          {
            path,
            at: 'value',
            message: `expected one of ${values.join(', ')}, got ${describeValue(input)}${hint}`,
          },
        ];
      }
      case 'invalid_union': {
        const rawInput = input;
        const discriminated = issue as typeof issue & { discriminator?: string; options?: unknown[] };
        if (discriminated.options !== undefined) {
          const values = discriminated.options.map(String);
          const tag = discriminated.discriminator;
          const input =
            tag !== undefined && typeof rawInput === 'object' && rawInput !== null
              ? (rawInput as Record<string, unknown>)[tag]
              : rawInput;
          if (input === undefined) {
            return [
              {
                path,
                at: 'value',
                message: `missing required field "${field}" (one of ${values.join(', ')})`,
              },
            ];
          }
          const hint = typeof input === 'string' ? didYouMean(input, values) : '';
          return [
            {
              path,
              at: 'value',
              message: `expected one of ${values.join(', ')}, got ${describeValue(input)}${hint}`,
            },
          ];
        }
        const expected = [...new Set(expectedTypes(issue))];
        if (expected.length > 0) {
          return [
            {
              path,
              at: 'value',
              message: `expected ${expected.join(' or ')}, got ${describeValue(rawInput)}`,
            },
          ];
        }
        return [{ path, at: 'value', message: issue.message }];
      }
      case 'too_small':
      case 'too_big':
        return [{ path, at: 'value', message: `${bounds(issue)}, got ${describeValue(input)}` }];
      case 'invalid_format':
        if (issue.format === 'regex' || issue.format === 'starts_with') {
          const prefix = (issue as { prefix?: string }).prefix;
          const rule = issue.format === 'starts_with' ? `must start with "${prefix}"` : issue.message;
          return [{ path, at: 'value', message: `${rule}, got ${describeValue(input)}` }];
        }
        return [
          { path, at: 'value', message: `must be a valid ${issue.format}, got ${describeValue(input)}` },
        ];
      case 'invalid_key':
        return [
          {
            path,
            at: 'key',
            message: `invalid name "${field}": ${issue.issues[0]?.message ?? issue.message}`,
          },
        ];
      case 'not_multiple_of':
        return [{ path, at: 'value', message: `must be a multiple of ${issue.divisor}` }];
      default:
        return [{ path, at: 'value', message: issue.message }];
    }
  });
}

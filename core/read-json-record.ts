import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { GantryError } from './errors.js';

export interface JsonRecordKind {
  /** What the file holds, as the messages name it: `build record`, `gate verdict`. */
  what: string;
  /** The error code of a file that cannot be read, is not JSON or does not match the schema. */
  code: string;
  /** What the user can do about it, appended to the message. */
  hint?: string;
  exitCode?: 1 | 2;
}

/**
 * A JSON record file checked against its schema, or a GantryError located at the file (as `shown`, by
 * default its path) and the first field that is wrong.
 */
export async function readJsonRecord<T>(
  path: string,
  schema: z.ZodType<T>,
  kind: JsonRecordKind,
  shown: string = path,
): Promise<T> {
  const fail = (message: string) =>
    new GantryError(kind.code, kind.hint ? `${message}; ${kind.hint}` : message, kind.exitCode ?? 1);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw fail(`${shown}: cannot read the ${kind.what} (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw fail(`${shown}: ${issue.path.join('.') || 'the record'}: ${issue.message}`);
}

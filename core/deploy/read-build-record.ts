import { readFile } from 'node:fs/promises';
import { BuildRecord } from '../../schemas/build-record.js';
import { GantryError } from '../errors.js';

/** A build record written by `gantry build --record`, or a clear error naming the file. */
export async function readBuildRecord(path: string): Promise<BuildRecord> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new GantryError(
      'build_record_malformed',
      `${path}: cannot read it (${(error as Error).message})`,
      1,
    );
  }
  const record = BuildRecord.safeParse(data);
  if (!record.success) {
    const issue = record.error.issues[0]!;
    throw new GantryError(
      'build_record_malformed',
      `${path} is not a Gantry build record (${issue.path.join('.') || 'the record'}: ${issue.message})`,
      1,
    );
  }
  return record.data;
}

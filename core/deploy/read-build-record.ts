import { BuildRecord } from '../../schemas/build-record.js';
import { readJsonRecord } from '../read-json-record.js';

/** A build record written by `gantry build --record`, or a clear error naming the file. */
export function readBuildRecord(path: string): Promise<BuildRecord> {
  return readJsonRecord(path, BuildRecord, { what: 'build record', code: 'build_record_malformed' });
}

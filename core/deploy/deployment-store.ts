import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DeploymentRecord } from '../../schemas/deployment-record.js';
import { GantryError } from '../errors.js';
import { readJsonRecord } from '../read-json-record.js';

/** Where this host keeps its deployment records and server logs. */
export function stateDirectory(env: NodeJS.ProcessEnv): string {
  if (env.GANTRY_STATE_DIR) return env.GANTRY_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'gantry');
}

/** File-name form of a model name: `acme/chat` → `acme__chat`. */
function slug(model: string): string {
  return model.replaceAll('/', '__');
}

/** Deployment records of one host, one JSON file per environment and model. */
export class DeploymentStore {
  constructor(readonly root: string) {}

  private recordFile(environment: string, model: string): string {
    return join(this.root, 'deployments', environment, `${slug(model)}.json`);
  }

  logFile(environment: string, model: string, startedAt: Date): string {
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    return join(this.root, 'logs', environment, `${slug(model)}-${stamp}.log`);
  }

  async read(environment: string, model: string): Promise<DeploymentRecord | undefined> {
    const file = this.recordFile(environment, model);
    return existsSync(file) ? this.parse(file) : undefined;
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a record. */
  async write(record: DeploymentRecord): Promise<void> {
    const file = this.recordFile(record.environment, record.model);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, `${JSON.stringify(DeploymentRecord.parse(record), null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  }

  async list(): Promise<DeploymentRecord[]> {
    const base = join(this.root, 'deployments');
    if (!existsSync(base)) return [];
    const records: DeploymentRecord[] = [];
    for (const environment of (await readdir(base)).sort()) {
      for (const name of (await readdir(join(base, environment))).sort()) {
        if (name.endsWith('.json')) records.push(await this.parse(join(base, environment, name)));
      }
    }
    return records;
  }

  /** The records of a model, narrowed to one environment when given; an error when none match. */
  async find(model: string, environment?: string): Promise<DeploymentRecord> {
    const matches = (await this.list()).filter(
      (r) => r.model === model && (!environment || r.environment === environment),
    );
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) {
      throw new GantryError(
        'deployment_not_found',
        `no deployment of ${model}${environment ? ` in ${environment}` : ''} on this host; see \`gantry status\``,
      );
    }
    throw new GantryError(
      'deployment_ambiguous',
      `${model} is deployed in ${matches.map((m) => m.environment).join(' and ')}; choose one with --env`,
    );
  }

  private parse(file: string): Promise<DeploymentRecord> {
    return readJsonRecord(file, DeploymentRecord, {
      what: 'deployment record',
      code: 'deployment_record_malformed',
      hint: 'remove it or redeploy',
    });
  }
}

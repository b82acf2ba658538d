import { execFile } from 'node:child_process';
import { cpus, hostname, release, totalmem, type } from 'node:os';
import { promisify } from 'node:util';
import type { EnvironmentFingerprint } from '../../schemas/bench-results.js';
import { GANTRY_VERSION } from '../version.js';

const run = promisify(execFile);

/** GPUs from `nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): EnvironmentFingerprint['gpus'] {
  return csv
    .split('\n')
    .map((line) => line.split(',').map((field) => field.trim()))
    .filter((fields) => fields.length >= 2 && fields[0] !== '')
    .map(([name, driver, memory]) => {
      const memoryMb = Number(memory);
      return {
        name: name!,
        driver: driver!,
        ...(Number.isFinite(memoryMb) && memory ? { memory_mb: memoryMb } : {}),
      };
    });
}

async function output(command: string, args: string[], cwd?: string): Promise<string | undefined> {
  try {
    return (await run(command, args, { timeout: 5_000, cwd })).stdout;
  } catch {
    return undefined;
  }
}

/** Where a run happened: host, CPU, GPUs when nvidia-smi answers, git SHA and image digest when known. */
export async function environmentFingerprint(
  cwd: string,
  env: NodeJS.ProcessEnv,
  imageDigest?: string,
): Promise<EnvironmentFingerprint> {
  const [smi, sha] = await Promise.all([
    output('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits']),
    env.GITHUB_SHA ? Promise.resolve(env.GITHUB_SHA) : output('git', ['rev-parse', 'HEAD'], cwd),
  ]);
  const cpuList = cpus();
  const fingerprint: EnvironmentFingerprint = {
    host: hostname(),
    os: `${type()} ${release()}`,
    cpu: { model: cpuList[0]?.model ?? 'unknown', count: cpuList.length },
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    gantry_version: GANTRY_VERSION,
    gpus: smi ? parseNvidiaSmi(smi) : [],
  };
  if (sha?.trim()) fingerprint.git_sha = sha.trim();
  const digest = imageDigest ?? env.GANTRY_IMAGE_DIGEST;
  if (digest) fingerprint.image_digest = digest;
  if (env.RUNNER_NAME) fingerprint.runner = env.RUNNER_NAME;
  return fingerprint;
}

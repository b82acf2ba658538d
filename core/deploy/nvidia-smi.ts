import { spawnSync } from 'node:child_process';
import { GantryError } from '../errors.js';

/** One NVIDIA GPU of this host, as nvidia-smi reports it. */
export interface GpuDevice {
  index: string;
  uuid: string;
  name: string;
  memory_total_mib: number;
  memory_used_mib: number;
  /** Pids of compute processes on it: a GPU with any is not free, whoever started them. */
  processes: number[];
}

export const GPU_QUERY = [
  '--query-gpu=index,uuid,name,memory.total,memory.used',
  '--format=csv,noheader,nounits',
];
export const APPS_QUERY = ['--query-compute-apps=gpu_uuid,pid', '--format=csv,noheader,nounits'];

/** A number, or 0 for "[N/A]" / "[Not Supported]" (MIG and some drivers report those). */
function mib(field: string | undefined): number {
  const value = Number(field);
  return Number.isFinite(value) ? value : 0;
}

/** Parses the CSV of GPU_QUERY and APPS_QUERY (nvidia-smi's `csv,noheader,nounits`). */
export function parseNvidiaSmi(gpuCsv: string, appsCsv: string): GpuDevice[] {
  const rows = (text: string) =>
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^No (devices|running processes) (were )?found/i.test(line))
      .map((line) => line.split(',').map((field) => field.trim()));
  const processes = new Map<string, number[]>();
  for (const [uuid, pid] of rows(appsCsv)) {
    if (!uuid || !Number.isInteger(Number(pid))) continue;
    processes.set(uuid, [...(processes.get(uuid) ?? []), Number(pid)]);
  }
  return rows(gpuCsv).map((fields, line) => {
    const [index, uuid, name, total, used] = fields;
    if (fields.length < 5 || !/^\d+$/.test(index!) || !uuid?.startsWith('GPU-'))
      throw new GantryError(
        'nvidia_smi_output',
        `unexpected nvidia-smi output on line ${line + 1}: "${fields.join(', ')}"`,
        1,
      );
    return {
      index: index!,
      uuid,
      name: name!,
      memory_total_mib: mib(total),
      memory_used_mib: mib(used),
      processes: processes.get(uuid) ?? [],
    };
  });
}

/** The host's NVIDIA GPUs; none when nvidia-smi is missing or finds no device. */
export function nvidiaGpus(): GpuDevice[] {
  const run = (args: string[]) => spawnSync('nvidia-smi', args, { encoding: 'utf8', timeout: 30_000 });
  const gpus = run(GPU_QUERY);
  if ((gpus.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return [];
  // nvidia-smi exits 6 with "No devices were found" on a host whose driver sees no GPU.
  if (gpus.status === 6) return [];
  if (gpus.status !== 0)
    throw new GantryError(
      'nvidia_smi_failed',
      `nvidia-smi failed (exit ${gpus.status}): ${(gpus.stderr || gpus.stdout).trim()}`,
      1,
    );
  const apps = run(APPS_QUERY);
  return parseNvidiaSmi(gpus.stdout, apps.status === 0 ? apps.stdout : '');
}

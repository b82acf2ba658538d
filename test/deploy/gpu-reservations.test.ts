import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GpuReservations } from '../../core/deploy/gpu-reservations.js';
import { parseNvidiaSmi } from '../../core/deploy/nvidia-smi.js';
import { tempDir } from '../support/temp-dir.js';

// nvidia-smi output in its csv,noheader,nounits form (GPU_QUERY and APPS_QUERY of core/deploy/nvidia-smi.ts).
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');
const h100x8 = () => parseNvidiaSmi(fixture('h100x8-gpus.csv'), fixture('h100x8-apps.csv'));

describe('parseNvidiaSmi', () => {
  it('reads every GPU with its memory and the compute processes on it', () => {
    const gpus = h100x8();
    expect(gpus).toHaveLength(8);
    expect(gpus[0]).toEqual({
      index: '0',
      uuid: 'GPU-5a9c4b1e-3f2d-4e8a-9b7c-1d2e3f4a5b60',
      name: 'NVIDIA H100 80GB HBM3',
      memory_total_mib: 81559,
      memory_used_mib: 71234,
      processes: [184211],
    });
    expect(gpus[3]!.processes).toEqual([190007, 190008]);
    expect(gpus.filter((g) => g.processes.length === 0).map((g) => g.index)).toEqual([
      '1',
      '2',
      '4',
      '5',
      '6',
      '7',
    ]);
  });

  it('takes [N/A] fields (MIG) as 0 and "No ... found" lines as nothing', () => {
    expect(parseNvidiaSmi(fixture('a100-mig-gpus.csv'), fixture('a100-mig-apps.csv'))).toEqual([
      {
        index: '0',
        uuid: 'GPU-1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b',
        name: 'NVIDIA A100-SXM4-40GB',
        memory_total_mib: 40960,
        memory_used_mib: 0,
        processes: [],
      },
    ]);
    expect(parseNvidiaSmi(fixture('none-gpus.csv'), '')).toEqual([]);
  });

  it('refuses output it does not understand, naming the line', () => {
    expect(() => parseNvidiaSmi('0, GPU-a, H100, 1, 1\nindex, uuid, name\n', '')).toThrow(
      'unexpected nvidia-smi output on line 2: "index, uuid, name"',
    );
  });
});

describe('GpuReservations', () => {
  it('never hands one GPU to two deployments, even when they ask at the same moment', async () => {
    const reservations = new GpuReservations(tempDir(), h100x8, async () => true);
    const asks = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => reservations.reserve(1, `deploy-${i}`, `model ${i}`)),
    );
    const granted = asks.flatMap((a) => (a.status === 'fulfilled' ? a.value.map((g) => g.index) : []));
    // Six are free (0 and 3 run processes): six deployments get one each, four are refused.
    expect(granted.sort()).toEqual(['1', '2', '4', '5', '6', '7']);
    const refused = asks.filter((a) => a.status === 'rejected').map((a) => String(a.reason.message));
    expect(refused).toHaveLength(4);
    expect(refused[0]).toMatch(
      /needs 1 GPU; 0 of 8 free \(GPU 0 busy \(pid 184211\); GPU 1 reserved by deploy-\d/,
    );
  });

  it('reserves all or nothing, frees on release, and frees what a gone owner held', async () => {
    const root = tempDir();
    const alive = new Set(['a', 'b']);
    const reservations = new GpuReservations(root, h100x8, async (owner) => alive.has(owner));
    expect((await reservations.reserve(4, 'a', 'a')).map((g) => g.index)).toEqual(['1', '2', '4', '5']);
    await expect(reservations.reserve(3, 'b', 'acme/llm (h100)')).rejects.toThrow(
      'acme/llm (h100) needs 3 GPUs; 2 of 8 free',
    );
    // The refused ask holds nothing: both free GPUs can still be had.
    expect((await reservations.reserve(2, 'b', 'b')).map((g) => g.index)).toEqual(['6', '7']);
    reservations.release('b');
    expect((await reservations.reserve(2, 'c', 'c')).map((g) => g.index)).toEqual(['6', '7']);
    // Owner "a" died without releasing (its container is gone): its GPUs are free again.
    alive.delete('a');
    alive.add('c');
    expect((await reservations.reserve(4, 'd', 'd')).map((g) => g.index)).toEqual(['1', '2', '4', '5']);
    expect(
      JSON.parse(readFileSync(join(root, 'gpus', 'GPU-5a9c4b1e-3f2d-4e8a-9b7c-1d2e3f4a5b61.json'), 'utf8')),
    ).toMatchObject({ owner: 'd' });
  });

  it('says so when the host has no GPU at all', async () => {
    const reservations = new GpuReservations(
      tempDir(),
      () => [],
      async () => true,
    );
    await expect(reservations.reserve(1, 'x', 'acme/llm (h100)')).rejects.toThrow(
      'acme/llm (h100) needs 1 GPU, but this host has none',
    );
  });
});

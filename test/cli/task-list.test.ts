import { describe, expect, it } from 'vitest';
import { TaskList } from '../../cli/task-list.js';

function recorder(isTTY: boolean) {
  let stderr = '';
  const io = {
    stdout: () => {},
    stderr: (t: string) => {
      stderr += t;
    },
    cwd: '.',
    env: {},
    isTTY,
  };
  return { io, text: () => stderr };
}

describe('TaskList', () => {
  it('logs start, throttled progress and end with the duration when not on a terminal', async () => {
    let clock = 0;
    const out = recorder(false);
    const tasks = new TaskList(out.io, () => clock, 5_000);
    const result = await tasks.run('benchmark', async (progress) => {
      clock = 1_000;
      progress('10/100 requests');
      clock = 6_000;
      progress('60/100 requests');
      clock = 12_400;
      return 42;
    });
    expect(result).toBe(42);
    expect(out.text()).toBe('… benchmark\n  benchmark: 60/100 requests\n✔ benchmark (12 s)\n');
  });

  it('marks a failed step with its reason and passes the error on', async () => {
    let clock = 0;
    const out = recorder(false);
    const tasks = new TaskList(out.io, () => clock);
    await expect(
      tasks.run('build', async () => {
        clock = 2_300;
        throw new Error('step 3/7 failed');
      }),
    ).rejects.toThrow('step 3/7 failed');
    expect(out.text()).toBe('… build\n✖ build (2.3 s): step 3/7 failed\n');
    tasks.skip('deploy', 'no Docker engine');
    expect(out.text()).toContain('↷ deploy — no Docker engine\n');
  });

  it('redraws one line in place on a terminal', async () => {
    const out = recorder(true);
    await new TaskList(out.io, () => 0).run('plan', async () => 'ok');
    const clearLine = '\r\u001b[2K';
    const text = out.text();
    expect(text.startsWith(clearLine)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
    expect(text.slice(text.lastIndexOf(clearLine))).toMatch(/✔.*plan/);
  });
});

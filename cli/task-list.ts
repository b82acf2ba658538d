import pc from 'picocolors';
import type { CliIo } from './cli-io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Reports what a running step is doing, e.g. "120/500 requests, 3 errors". */
export type ReportProgress = (detail: string) => void;

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * The live task list every long command shows: on a terminal, a spinner line per running step that is
 * rewritten in place; elsewhere (CI logs, pipes), one line when a step starts, a throttled line for its
 * progress, and one when it ends. Each finished step says how long it took and how it ended.
 */
export class TaskList {
  private readonly color;

  constructor(
    private readonly io: CliIo,
    private readonly now: () => number = Date.now,
    private readonly logEveryMs = 5_000,
  ) {
    this.color = pc.createColors(io.isTTY);
  }

  async run<T>(title: string, step: (progress: ReportProgress) => Promise<T>): Promise<T> {
    const started = this.now();
    let detail = '';
    let frame = 0;
    let lastLogged = started;
    const draw = () => {
      const text = `${this.color.cyan(FRAMES[frame++ % FRAMES.length]!)} ${title}${detail ? this.color.dim(` — ${detail}`) : ''}`;
      this.io.stderr(`\r\x1b[2K${text}`);
    };
    const timer = this.io.isTTY ? setInterval(draw, 100) : undefined;
    if (this.io.isTTY) draw();
    else this.io.stderr(`… ${title}\n`);
    const progress: ReportProgress = (text) => {
      detail = text;
      if (!this.io.isTTY && this.now() - lastLogged >= this.logEveryMs) {
        lastLogged = this.now();
        this.io.stderr(`  ${title}: ${text}\n`);
      }
    };
    const finish = (mark: string, suffix: string) => {
      if (timer) clearInterval(timer);
      const line = `${mark} ${title} ${this.color.dim(`(${seconds(this.now() - started)})`)}${suffix}`;
      this.io.stderr(this.io.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
    };
    try {
      const result = await step(progress);
      finish(this.color.green('✔'), '');
      return result;
    } catch (error) {
      finish(this.color.red('✖'), `: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  /** A step that was not run, and why (e.g. "no Docker engine: deploying as a process"). */
  skip(title: string, reason: string): void {
    this.io.stderr(`${this.color.yellow('↷')} ${title} ${this.color.dim(`— ${reason}`)}\n`);
  }
}

/** What a command may touch of its process: injectable so tests run the CLI in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Colours and live progress only on a terminal. */
  isTTY: boolean;
}

export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  inconclusive: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
  };
}

/** How a gate verdict ends a command: pass 0, fail 1, inconclusive 3. */
export function verdictExitCode(verdict: 'pass' | 'fail' | 'inconclusive'): ExitCode {
  return { pass: ExitCode.ok, fail: ExitCode.checkFailed, inconclusive: ExitCode.inconclusive }[verdict];
}

/** What an action step may touch of the runner: injectable, so a step runs the same in a test. */
export interface StepIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A line for the job log. */
  log: (text: string) => void;
  /** A warning annotation. */
  warn: (text: string) => void;
  /** A collapsible log group around a long part of the step. */
  group: <T>(title: string, work: () => Promise<T>) => Promise<T>;
}

/** What a step hands back to its action: step outputs, a job-summary section, and whether it failed. */
export interface StepResult {
  outputs: Record<string, string>;
  /** Markdown appended to the job summary. */
  summary: string;
  /** Why the step fails the job; absent when it succeeded. */
  failure?: string;
}

/** A fenced block for a job summary, for text laid out in columns. */
export function codeBlock(text: string): string {
  return `\`\`\`\n${text.trimEnd()}\n\`\`\`\n`;
}

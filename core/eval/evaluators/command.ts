import { spawn } from 'node:child_process';
import type { Direction } from '../../../schemas/metrics.js';
import { GantryError } from '../../errors.js';
import { splitCommandLine } from '../../split-command-line.js';
import { type AnsweredRow, type BatchEvaluator, referenceField } from '../evaluator.js';

/** Version of the JSONL protocol between gantry eval and a scoring command (docs/evaluators.md). */
export const COMMAND_PROTOCOL_VERSION = 1;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** Variables that look like credentials: the scoring command, code from the model's repository, never sees them. */
const CREDENTIAL = /TOKEN|SECRET|PASSW|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|^GITHUB_|^ACTIONS_|^RUNNER_/i;
const STDERR_TAIL = 2000;

export interface CommandEvaluatorOptions {
  suite: string;
  command: string | string[];
  /** The metrics model.yml says the command reports, and which way is better. */
  metrics: Record<string, Direction>;
  /** The model's folder (where model.yml is): the command runs there. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * A user's evaluator: a command from the model's repository that reads every answered row as JSONL on
 * stdin and writes each row's scores, and optionally the aggregates, as JSONL on stdout. It runs once,
 * after the model has answered every row, without a shell and without credentials in its environment.
 */
export function commandEvaluator(options: CommandEvaluatorOptions): BatchEvaluator {
  const argv = typeof options.command === 'string' ? splitCommandLine(options.command) : options.command;
  if (argv.length === 0)
    throw new GantryError('evaluator_command', `evaluation suite "${options.suite}" has an empty command`);
  return {
    name: 'custom',
    version: COMMAND_PROTOCOL_VERSION,
    metrics: options.metrics,
    reference: (row) => {
      const found = referenceField(row, ['reference', 'expected', 'answer', 'label']);
      return 'value' in found ? found : { value: null };
    },
    async scoreAll(rows) {
      const output = await run(argv, rows, options);
      return readScores(output, rows.length, options, argv.join(' '));
    },
  };
}

function inputLine(row: AnsweredRow): string {
  return JSON.stringify({
    index: row.index,
    id: row.id,
    row: row.row,
    reference: row.reference,
    prediction: row.prediction === undefined ? null : row.prediction,
    ...(row.error === undefined ? {} : { error: row.error }),
  });
}

function scrubbed(env: NodeJS.ProcessEnv, suite: string): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([name]) => !CREDENTIAL.test(name)));
  return { ...kept, GANTRY_SUITE: suite, GANTRY_EVALUATOR_PROTOCOL: String(COMMAND_PROTOCOL_VERSION) };
}

function run(
  argv: string[],
  rows: readonly AnsweredRow[],
  options: CommandEvaluatorOptions,
): Promise<string> {
  const shown = argv.join(' ');
  const where = `the evaluation command of suite "${options.suite}" (${shown})`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: scrubbed(options.env, options.suite),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (part: Buffer) => stdout.push(part));
    child.stderr.on('data', (part: Buffer) => {
      stderr = (stderr + part.toString()).slice(-STDERR_TAIL);
    });
    // A command may stop reading early (and fail, or not); its exit status is what counts.
    child.stdin.on('error', () => {});
    child.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      const why =
        error.code === 'ENOENT' ? `${argv[0]} was not found (run from ${options.cwd})` : error.message;
      reject(new GantryError('evaluator_command', `cannot run ${where}: ${why}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const said = stderr.trim() ? `:\n${stderr.trim()}` : '';
      if (timedOut)
        reject(new GantryError('evaluator_command', `${where} ran past ${timeoutMs / 1000} s${said}`));
      else if (code !== 0)
        reject(
          new GantryError('evaluator_command', `${where} failed (${signal ?? `exit status ${code}`})${said}`),
        );
      else resolve(Buffer.concat(stdout).toString('utf8'));
    });
    child.stdin.end(rows.length === 0 ? '' : `${rows.map(inputLine).join('\n')}\n`);
  });
}

const isScore = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Checks the command's output against the protocol and the metrics model.yml declares; aggregates. */
function readScores(
  output: string,
  rows: number,
  options: CommandEvaluatorOptions,
  shown: string,
): { scores: Record<string, number>[]; metrics: Record<string, number | null> } {
  const problem = (message: string) =>
    new GantryError(
      'evaluator_output',
      `the evaluation command of suite "${options.suite}" (${shown}) ${message}; see docs/evaluators.md`,
    );
  const scores = new Array<Record<string, number> | undefined>(rows);
  let metrics: Record<string, number | null> | undefined;
  output.split('\n').forEach((line, at) => {
    if (line.trim() === '') return;
    const where = `line ${at + 1} of its output`;
    let value: { index?: unknown; scores?: unknown; metrics?: unknown };
    try {
      value = JSON.parse(line);
    } catch {
      throw problem(`wrote ${where} that is not JSON: ${line.slice(0, 80)}`);
    }
    if (value && typeof value === 'object' && value.metrics !== undefined) {
      if (metrics !== undefined) throw problem(`wrote a second "metrics" line (${where})`);
      const given = value.metrics as Record<string, unknown>;
      if (!given || typeof given !== 'object' || Array.isArray(given))
        throw problem(`wrote "metrics" on ${where} that is not an object`);
      for (const [name, v] of Object.entries(given))
        if (v !== null && !isScore(v))
          throw problem(`wrote metric "${name}" on ${where} that is not a number`);
      metrics = given as Record<string, number | null>;
      return;
    }
    const index = value?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= rows)
      throw problem(`wrote ${where} with no "index" of a dataset row (0 to ${rows - 1})`);
    if (scores[index] !== undefined) throw problem(`scored row ${index} twice (${where})`);
    const given = value.scores as Record<string, unknown> | undefined;
    if (!given || typeof given !== 'object' || Array.isArray(given))
      throw problem(`wrote ${where} without a "scores" object`);
    for (const [name, v] of Object.entries(given))
      if (!isScore(v)) throw problem(`wrote score "${name}" of row ${index} that is not a number`);
    scores[index] = given as Record<string, number>;
  });
  // Holes: the array was made at its length, and a row never scored is still a hole.
  const listed = [...Array(rows).keys()].filter((i) => scores[i] === undefined);
  if (listed.length > 0) {
    throw problem(
      `gave no scores for row${listed.length > 1 ? 's' : ''} ${listed.slice(0, 10).join(', ')}${listed.length > 10 ? ', …' : ''} of ${rows}`,
    );
  }
  const complete = scores as Record<string, number>[];
  const aggregated: Record<string, number | null> = { ...(metrics ?? {}) };
  for (const name of Object.keys(options.metrics)) {
    if (name in aggregated) continue;
    // Not aggregated by the command: the mean over every row, each of which must have scored it.
    const lacking = complete.findIndex((s) => s[name] === undefined);
    if (lacking >= 0)
      throw problem(
        `reported metric "${name}" neither in a {"metrics": …} line nor in the scores of every row (row ${lacking} lacks it)`,
      );
    aggregated[name] =
      complete.length === 0 ? null : complete.reduce((n, s) => n + s[name]!, 0) / complete.length;
  }
  return { scores: complete, metrics: aggregated };
}

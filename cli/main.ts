import { Command, CommanderError } from 'commander';
import { GantryError } from '../core/errors.js';
import { GANTRY_VERSION } from '../core/version.js';
import { type CliIo, ExitCode } from './cli-io.js';
import { registerAudit } from './commands/audit.js';
import { registerBench } from './commands/bench.js';
import { registerBuild } from './commands/build.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerDeploy } from './commands/deploy.js';
import { registerEval } from './commands/eval.js';
import { registerGate } from './commands/gate.js';
import { registerImages } from './commands/images.js';
import { registerInit } from './commands/init.js';
import { registerLogs } from './commands/logs.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerPlan } from './commands/plan.js';
import { registerRegistry } from './commands/registry.js';
import { registerReport } from './commands/report.js';
import { registerRestart } from './commands/restart.js';
import { registerStatus } from './commands/status.js';
import { registerStop } from './commands/stop.js';
import { registerValidate } from './commands/validate.js';

type Register = (program: Command, io: CliIo, exit: (code: ExitCode) => void) => void;

/** Every command, in the order `gantry --help` lists them. */
const COMMANDS: Register[] = [
  registerValidate,
  registerInit,
  registerPlan,
  registerBuild,
  registerImages,
  registerDeploy,
  registerStatus,
  registerLogs,
  registerRestart,
  registerStop,
  registerBench,
  registerEval,
  registerGate,
  registerReport,
  registerPipeline,
  registerRegistry,
  registerAudit,
  registerDashboard,
];

/** Runs the gantry command line in-process and returns its exit status; never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('gantry')
    .description(
      'Deliver machine-learning models from git to production: build, deploy, benchmark, evaluate, gate.',
    )
    .version(GANTRY_VERSION, '-V, --version')
    // Root options only before the command, so a command may have its own --version (a model's).
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.configureHelp({ showGlobalOptions: true });
  for (const register of COMMANDS) {
    register(program, io, (code) => {
      exitCode = code;
    });
  }
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.usage;
    }
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      return benign ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof GantryError) {
      io.stderr(`gantry: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`gantry: unexpected error: ${message}\n`);
    if (io.env.GANTRY_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else io.stderr('Set GANTRY_DEBUG=1 to see where it happened, and please report it.\n');
    return ExitCode.usage;
  }
}

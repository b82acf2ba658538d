// The root action: runs one gantry command, given as the `command` input, on the same code as the CLI.
import * as core from '@actions/core';
import { main } from '../../cli/main.js';
import { splitCommandLine } from '../../core/split-command-line.js';

const argv = splitCommandLine(core.getInput('command', { required: true }));
const code = await main(argv, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: core.getInput('working-directory') || process.cwd(),
  env: process.env,
  isTTY: false,
});
core.setOutput('exit-code', String(code));
if (code !== 0) core.setFailed(`gantry ${argv[0] ?? ''} exited with ${code}`);

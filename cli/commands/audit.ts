import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { auditCsv } from '../../core/audit/export-entries.js';
import { GitAuditLog } from '../../core/audit/git-audit-log.js';
import { GitHubAuditLog } from '../../core/audit/github-audit-log.js';
import { GantryError } from '../../core/errors.js';
import { readJsonRecord } from '../../core/read-json-record.js';
import { AUDIT_EVENTS } from '../../schemas/audit-entry.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { githubOption, githubRepository } from '../github-repository.js';
import { formatOption, type OutputFormat, repositoryRoot } from '../options.js';

export function registerAudit(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  const audit = program
    .command('audit')
    .description('the tamper-evident audit trail: append-only, hash-chained, on its own branch');
  /** The log of a local clone, or with --github the repository's on GitHub, through its API. */
  const log = async (options: { repo?: string; github?: string }) =>
    options.github
      ? new GitHubAuditLog(githubRepository(options.github, io.env))
      : new GitAuditLog(await repositoryRoot(resolve(io.cwd, options.repo ?? '.')));

  audit
    .command('verify')
    .description('prove no entry was edited, removed or reordered; exit 1 naming the first bad entry')
    .option('--repo <dir>', 'repository (default: the one here)')
    .addOption(githubOption())
    .option(
      '--anchor <hash>',
      'a hash recorded elsewhere that must still be in the log (catches cut-off ends)',
    )
    .addOption(formatOption(['text', 'json']))
    .action(async (options: { repo?: string; github?: string; anchor?: string; format: OutputFormat }) => {
      const verdict = await (await log(options)).verify(options.anchor);
      if (options.format === 'json')
        io.stdout(`${JSON.stringify({ ...verdict, entries: verdict.entries.length }, null, 2)}\n`);
      else if (verdict.ok)
        io.stdout(
          `audit log intact: ${verdict.entries.length} entries, last ${verdict.entries.at(-1)?.hash ?? '(none)'}\n`,
        );
      else
        io.stdout(
          `audit log broken at entry ${verdict.line}: ${verdict.reason} (the ${verdict.entries.length} entries before it are intact)\n`,
        );
      exit(verdict.ok ? ExitCode.ok : ExitCode.checkFailed);
    });

  audit
    .command('export')
    .description('write the audit log as JSON or CSV (after verifying it)')
    .option('--repo <dir>', 'repository (default: the one here)')
    .addOption(githubOption())
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(async (options: { repo?: string; github?: string; format: 'json' | 'csv' }) => {
      const verdict = await (await log(options)).verify();
      if (!verdict.ok)
        throw new GantryError(
          'audit_broken',
          `the audit log is broken at entry ${verdict.line}: ${verdict.reason}`,
          1,
        );
      io.stdout(
        options.format === 'csv'
          ? auditCsv(verdict.entries)
          : `${JSON.stringify(verdict.entries, null, 2)}\n`,
      );
      exit(ExitCode.ok);
    });

  audit
    .command('record')
    .description('append one entry (workflows without the app record their decisions this way)')
    .option('--repo <dir>', 'repository (default: the one here)')
    .addOption(githubOption())
    .addOption(new Option('--event <event>', 'what happened').choices(AUDIT_EVENTS).makeOptionMandatory())
    .requiredOption('--model <name>', 'model name')
    .option('--version <version>', 'model version')
    .option('--environment <name>', 'environment')
    .option('--actor <login>', 'who caused it', io.env.GITHUB_ACTOR ?? io.env.USER ?? 'unknown')
    .option('--after <file>', 'JSON file with the new state (e.g. a gate verdict)')
    .option('--run <url>', 'link to the workflow run')
    .action(
      async (options: {
        repo?: string;
        github?: string;
        event: (typeof AUDIT_EVENTS)[number];
        model: string;
        version?: string;
        environment?: string;
        actor: string;
        after?: string;
        run?: string;
      }) => {
        const after = options.after
          ? await readJsonRecord(
              resolve(io.cwd, options.after),
              z.unknown(),
              { what: 'new state', code: 'bad_after_file', exitCode: 2 },
              options.after,
            )
          : undefined;
        const entry = await (await log(options)).append({
          time: new Date().toISOString(),
          actor: options.actor,
          event: options.event,
          subject: { model: options.model, version: options.version, environment: options.environment },
          after,
          links: options.run ? { run: options.run } : {},
        });
        io.stdout(`recorded entry ${entry.seq}: ${entry.hash}\n`);
        exit(ExitCode.ok);
      },
    );
}

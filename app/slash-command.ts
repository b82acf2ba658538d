import type { Context, Probot } from 'probot';
import type { ConfigCache } from '../core/app/config-cache.js';
import { type Authorization, authorizeCommand } from '../core/commands/authorize-command.js';
import {
  formatCommand,
  type ParsedCommand,
  parseCommand,
  type SlashCommand,
} from '../core/commands/parse-command.js';
import { GantryError } from '../core/errors.js';
import { emergencyRollback } from '../core/promotion/emergency-rollback.js';
import { auditedRegistry } from './app-registry.js';
import { botLogin } from './bot-login.js';
import { collaboratorPermission } from './collaborator-permission.js';
import { dispatchBenchmark } from './dispatch-benchmark.js';
import { loadConfig } from './load-config.js';
import { openPromotion } from './open-promotion.js';
import { modelRules } from './promotion-facts.js';

type CommentContext = Context<'issue_comment.created'>;
type Reaction = '+1' | '-1' | 'confused';

async function runCommand(
  context: CommentContext,
  actor: string,
  command: SlashCommand,
  pull: { ref: string; sha: string },
  config: NonNullable<Awaited<ReturnType<typeof loadConfig>>>,
): Promise<{ ok: true; reply?: string } | { ok: false; reason: string }> {
  switch (command.kind) {
    case 'benchmark':
    case 'gate-rerun':
      return dispatchBenchmark(context, config, {
        branch: pull.ref,
        headSha: pull.sha,
        inputs: command.kind === 'benchmark' && command.profile ? { profile: command.profile } : {},
      });
    default:
      try {
        if (command.kind === 'rollback') {
          const done = await rollbackAtOnce(context, actor, command);
          if (done) return { ok: true, reply: done };
        }
        const opened = await openPromotion(context, command, {
          actor,
          note: `asked for in ${context.payload.comment.html_url}`,
        });
        return {
          ok: true,
          reply: `${opened.existing ? 'The promotion pull request is already open' : 'Opened the promotion pull request'}: #${opened.number}. It takes effect when an authorised reviewer approves it and it is merged.`,
        };
      } catch (error) {
        if (error instanceof GantryError) return { ok: false, reason: error.message };
        throw error;
      }
  }
}

/**
 * A rollback done at once where the model's model.yml (on the default branch) allows an emergency
 * rollback in that environment; undefined elsewhere: the rollback then goes through a promotion pull request.
 */
async function rollbackAtOnce(
  context: CommentContext,
  actor: string,
  command: Extract<SlashCommand, { kind: 'rollback' }>,
): Promise<string | undefined> {
  const { model, environment } = command;
  const branch = context.payload.repository.default_branch;
  const { rules } = await modelRules(context.octokit, context.repo(), branch, new Set([model]));
  if (!rules.get(model)?.emergencyRollback(environment)) return undefined;
  // The comment is the rollback's key: a retry after a partial failure must not go back a second time.
  return emergencyRollback(auditedRegistry(context, { pull_request: context.payload.issue.html_url }), {
    model,
    environment,
    actor,
    note: `emergency rollback asked for in ${context.payload.comment.html_url}`,
  });
}

/**
 * Slash commands in pull-request comments. The commenter's permission is checked through the API; the
 * answer is a reaction (+1 done, -1 refused, confused not understood or not possible) and, unless done
 * silently, a short reply. The app's reaction marks a comment as answered: a redelivered or repeated event
 * for it changes nothing.
 */
export function slashCommand(app: Probot, configs: ConfigCache) {
  return async (context: CommentContext): Promise<void> => {
    const { comment, issue } = context.payload;
    const author = comment.user?.login;
    if (!issue.pull_request || !author || comment.user?.type === 'Bot') return;
    const parsed: ParsedCommand | undefined = parseCommand(comment.body ?? '');
    if (!parsed) return;
    const { owner, repo } = context.repo();
    const bot = await botLogin(app);
    const reactions = await context.octokit.paginate(context.octokit.rest.reactions.listForIssueComment, {
      owner,
      repo,
      comment_id: comment.id,
      per_page: 100,
    });
    if (reactions.some((r) => r.user?.login === bot)) return;

    const answer = async (reaction: Reaction, reply?: string) => {
      if (reply)
        await context.octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: issue.number,
          body: `@${author} ${reply}`,
        });
      await context.octokit.rest.reactions.createForIssueComment({
        owner,
        repo,
        comment_id: comment.id,
        content: reaction,
      });
    };
    const { data: pull } = await context.octokit.rest.pulls.get({ owner, repo, pull_number: issue.number });
    const config = await loadConfig(context, pull.head.sha, configs);
    if (!config)
      return answer(
        'confused',
        'Gantry cannot act: `.github/gantry.yml` is invalid (see the gantry/config check).',
      );
    if (!config.commands) return;
    if (parsed.kind === 'invalid')
      return answer('confused', `\`/${parsed.command}\` not understood: ${parsed.message}.`);
    const authorization: Authorization = authorizeCommand(
      parsed,
      await collaboratorPermission(context.octokit, context.repo(), author),
      config.permissions,
    );
    if (!authorization.allowed)
      return answer('-1', `\`${formatCommand(parsed)}\` refused: ${authorization.reason}.`);
    const outcome = await runCommand(
      context,
      author,
      parsed,
      { ref: pull.head.ref, sha: pull.head.sha },
      config,
    );
    if (!outcome.ok) return answer('confused', `not done: ${outcome.reason}.`);
    return answer('+1', outcome.reply);
  };
}

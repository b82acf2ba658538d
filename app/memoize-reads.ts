import type { Context } from 'probot';

/** What is memoized: an event's Octokit (any Octokit: only its request hook is used). */
type EventOctokit = Pick<Context['octokit'], 'hook' | 'request'>;

const memoized = new WeakSet<EventOctokit>();

/**
 * Within one handler's work on an event, a GET already answered is answered again from memory, until
 * the handler writes anything (any other method, GraphQL included, empties the memory: what is read
 * after a write is read afresh, as the audit log's retry on a moved ref needs). A handler's steps each
 * read what they need (the environment file, the base branch, a release) without knowing what the
 * others read; this keeps them independent without paying for each read twice. Probot gives each
 * handler of each event an Octokit of its own, so nothing is kept beyond it. Answers are copied, so no
 * caller sees another's changes.
 */
export function memoizeReads(octokit: EventOctokit): void {
  if (memoized.has(octokit)) return;
  memoized.add(octokit);
  const answers = new Map<string, Promise<unknown>>();
  octokit.hook.wrap('request', (request, options) => {
    if (options.method !== 'GET') {
      answers.clear();
      return request(options);
    }
    const { url, headers } = octokit.request.endpoint.parse(options);
    const key = `${url} ${headers.accept ?? ''}`;
    const answer = answers.get(key) ?? Promise.resolve(request(options));
    answers.set(key, answer);
    return answer.then(structuredClone) as ReturnType<typeof request>;
  });
}

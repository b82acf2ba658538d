import type { Octokit } from '@octokit/rest';

/**
 * What Gantry's GitHub adapters use of a client: the REST methods and pagination. An @octokit/rest
 * Octokit (CLI, actions) and Probot's (the app, with its retries and throttling) both are one.
 */
export type GitHubClient = Pick<Octokit, 'rest' | 'paginate'>;

/** The HTTP status GitHub answered a failed request with; undefined for an error that is no answer. */
export const httpStatus = (error: unknown): number | undefined => (error as { status?: number }).status;

/** What a request answers, or undefined where GitHub answers 404 (no such ref, release or file). */
export async function unlessNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

/** The text of a raw or octet-stream answer, which Octokit gives as a string or as bytes. */
export function rawText(data: unknown): string {
  return typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * A file's text at `ref` (the default branch when none), or undefined where it does not exist. Read as
 * raw: the JSON form sends no content past 1 MB, which would read as an empty file.
 */
export async function fileText(
  client: GitHubClient,
  repository: { owner: string; repo: string },
  path: string,
  ref?: string,
): Promise<string | undefined> {
  const file = await unlessNotFound(
    client.rest.repos.getContent({
      ...repository,
      path,
      ...(ref ? { ref } : {}),
      mediaType: { format: 'raw' },
    }),
  );
  return file && rawText(file.data);
}

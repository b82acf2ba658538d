import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  Kind,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import type { GitHubSimulator, SimulatedCheckRun, SimulatedComment } from './github-simulator.js';
import { BOT_LOGIN, parseNodeId, pullNodeId, repositoryNodeId } from './simulated-bodies.js';

let schema: GraphQLSchema | undefined;

/** GitHub's published GraphQL schema (@octokit/graphql-schema): built once per test process. */
function githubSchema(): GraphQLSchema {
  // The package exports only its index; the schema file lies beside it.
  const file = join(dirname(fileURLToPath(import.meta.resolve('@octokit/graphql-schema'))), 'schema.graphql');
  schema ??= buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  return schema;
}

/** GitHub's own rule: a connection is asked for with `first` or `last`, 1 to 100. */
function requirePagination(variables: Record<string, unknown>): ValidationRule {
  return (context) => ({
    Field(node) {
      const type = context.getType();
      if (!type || !getNamedType(type).name.endsWith('Connection')) return;
      const sizes = (node.arguments ?? [])
        .filter((a) => a.name.value === 'first' || a.name.value === 'last')
        .map((a) =>
          a.value.kind === Kind.INT
            ? Number(a.value.value)
            : a.value.kind === Kind.VARIABLE
              ? Number(variables[a.value.name.value])
              : Number.NaN,
        );
      const name = node.name.value;
      if (sizes.length === 0)
        context.reportError(
          new GraphQLError(
            `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
            { nodes: node },
          ),
        );
      for (const size of sizes)
        if (!(size >= 1 && size <= 100))
          context.reportError(
            new GraphQLError(
              `Requesting ${size} records on the \`${name}\` connection exceeds the \`first\` limit of 100 records.`,
              { nodes: node },
            ),
          );
    },
  });
}

/** An error GitHub answers in `errors` with a `type`, the data it concerns left null. */
class GitHubGraphqlError extends Error {
  constructor(
    readonly type: 'NOT_FOUND' | 'FORBIDDEN' | 'UNPROCESSABLE' | undefined,
    message: string,
  ) {
    super(message);
  }
}

const upper = (value: string | null) => (value ? value.toUpperCase() : null);
const lower = (value: string | undefined) => value?.toLowerCase();

interface AnnotationInput {
  path: string;
  location: { startLine: number; endLine: number; startColumn?: number; endColumn?: number };
  annotationLevel: string;
  message: string;
  title?: string;
  rawDetails?: string;
}

interface CheckRunInput {
  repositoryId: string;
  checkRunId?: string;
  headSha?: string;
  name?: string;
  status?: string;
  conclusion?: string;
  externalId?: string;
  detailsUrl?: string;
  output?: { title: string; summary: string; text?: string; annotations?: AnnotationInput[] };
  actions?: SimulatedCheckRun['actions'];
}

/** GitHub takes at most 50 annotations in one request, as in the REST API. */
const ANNOTATIONS_PER_REQUEST = 50;

/**
 * POST /graphql of the GitHub simulator, for the part of the schema the app uses. A document is checked
 * against GitHub's published schema, its variables against their input types and its connections
 * against GitHub's pagination rule; anything GitHub would refuse is a violation. A field the simulator
 * does not fill is a violation too, so an answer is never silently partial. Objects resolve from the
 * simulator's state, the same state its REST routes serve.
 */
export class GraphqlEndpoint {
  constructor(private readonly simulator: GitHubSimulator) {}

  /** Top-level fields (a mutation's `addComment` …) to fail, each the given number of times. */
  private readonly fieldFaults = new Map<string, number>();

  /**
   * The next `times` executions of top-level field `name` fail as GitHub's do when something breaks
   * inside: the field is null with an error, and the fields before it in the document have run.
   */
  failField(name: string, times = 1): void {
    this.fieldFaults.set(name, (this.fieldFaults.get(name) ?? 0) + times);
  }

  /** Parses and validates a request: the document, or what GitHub would answer instead. */
  check(
    body: unknown,
  ): { document: DocumentNode; variables: Record<string, unknown> } | { errors: string[] } {
    const { query, variables = {} } = (body ?? {}) as {
      query?: unknown;
      variables?: Record<string, unknown>;
    };
    if (typeof query !== 'string')
      return { errors: ['A query attribute must be specified and must be a string.'] };
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [(error as Error).message] };
    }
    const problems = validate(githubSchema(), document, [...specifiedRules, requirePagination(variables)]);
    return problems.length ? { errors: problems.map((p) => p.message) } : { document, variables };
  }

  /** Runs a checked document; `violations` collects what GitHub would refuse or the simulator lacks. */
  async run(
    document: DocumentNode,
    variables: Record<string, unknown>,
    violations: string[],
  ): Promise<{ data?: unknown; errors?: unknown[] }> {
    const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
      const faults = info.path.prev === undefined ? (this.fieldFaults.get(info.fieldName) ?? 0) : 0;
      if (faults > 0) {
        this.fieldFaults.set(info.fieldName, faults - 1);
        throw new GitHubGraphqlError(undefined, 'Something went wrong while executing your query.');
      }
      const value = (source as Record<string, unknown> | null)?.[info.fieldName];
      if (value === undefined) {
        violations.push(`GraphQL ${info.parentType.name}.${info.fieldName}: not simulated`);
        return null;
      }
      return typeof value === 'function' ? value.call(source, args) : value;
    };
    const result = await execute({
      schema: githubSchema(),
      document,
      rootValue: this.root(),
      variableValues: variables,
      fieldResolver,
    });
    const errors = (result.errors ?? []).map((error) => {
      const original = error.originalError;
      // An error without a path is the request's (variables that do not fit their types): GitHub refuses it.
      if (!error.path) violations.push(`GraphQL: GitHub would refuse: ${error.message}`);
      else if (!(original instanceof GitHubGraphqlError))
        violations.push(`GraphQL ${error.path.join('.')}: ${error.message}`);
      return {
        ...(original instanceof GitHubGraphqlError && original.type ? { type: original.type } : {}),
        message: error.message,
        ...(error.path ? { path: error.path } : {}),
        ...(error.locations ? { locations: error.locations } : {}),
      };
    });
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(errors.length ? { errors } : {}),
    };
  }

  private root() {
    return {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const full = `${owner}/${name}`;
        if (!this.simulator.repositoryNames().includes(full))
          throw new GitHubGraphqlError(
            'NOT_FOUND',
            `Could not resolve to a Repository with the name '${full}'.`,
          );
        return this.repositoryNode(full);
      },
      node: ({ id }: { id: string }) => this.nodeById(id),
      createCheckRun: ({ input }: { input: CheckRunInput }) => ({ checkRun: this.writeCheckRun(input) }),
      updateCheckRun: ({ input }: { input: CheckRunInput }) => ({ checkRun: this.writeCheckRun(input) }),
      addComment: ({ input }: { input: { subjectId: string; body: string } }) => {
        const subject = parseNodeId(input.subjectId);
        const pull =
          subject?.kind === 'PR'
            ? this.simulator.repository(subject.full).pulls.get(subject.number!)
            : undefined;
        if (!subject || !pull)
          throw new GitHubGraphqlError(
            'NOT_FOUND',
            `Could not resolve to a node with the global id of '${input.subjectId}'`,
          );
        const comment = { id: this.simulator.newId(), issue: pull.number, body: input.body, user: BOT_LOGIN };
        this.simulator.repository(subject.full).comments.push(comment);
        return {
          commentEdge: { cursor: String(comment.id), node: this.commentNode(comment) },
          subject: this.pullNode(subject.full, pull.number),
        };
      },
      updateIssueComment: ({ input }: { input: { id: string; body: string } }) => {
        const comment = this.comment(input.id);
        if (!comment)
          throw new GitHubGraphqlError(
            'NOT_FOUND',
            `Could not resolve to a node with the global id of '${input.id}'`,
          );
        if (comment.user !== BOT_LOGIN)
          throw new GitHubGraphqlError('FORBIDDEN', 'Resource not accessible by integration');
        comment.body = input.body;
        return { issueComment: this.commentNode(comment) };
      },
    };
  }

  private nodeById(id: string) {
    const parsed = parseNodeId(id);
    if (parsed?.kind === 'PR' && this.simulator.repository(parsed.full).pulls.has(parsed.number!))
      return this.pullNode(parsed.full, parsed.number!);
    throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
  }

  private repositoryNode(full: string) {
    const repo = this.simulator.repository(full);
    return {
      __typename: 'Repository',
      id: repositoryNodeId(full),
      nameWithOwner: full,
      object: ({ oid, expression }: { oid?: string; expression?: string }) => {
        const sha = oid ?? repo.branches.get(expression ?? '') ?? expression;
        return sha && repo.commitInfo.has(sha) ? this.commitNode(full, sha) : null;
      },
      pullRequest: ({ number }: { number: number }) => {
        if (!repo.pulls.has(number))
          throw new GitHubGraphqlError(
            'NOT_FOUND',
            `Could not resolve to a PullRequest with the number of ${number}.`,
          );
        return this.pullNode(full, number);
      },
    };
  }

  private commitNode(full: string, sha: string) {
    const repo = this.simulator.repository(full);
    return {
      __typename: 'Commit',
      id: `C_${sha}`,
      oid: sha,
      checkSuites: ({ first }: { first: number }) => {
        // Every run here is the app's own: one suite, made when the first run on the commit was.
        const runs = repo.checkRuns.filter((r) => r.head_sha === sha);
        const suites = runs.length ? [this.checkSuiteNode(full, sha)] : [];
        return connection(suites.slice(0, first), suites.length);
      },
      associatedPullRequests: ({ first }: { first: number }) => {
        const pulls = [...repo.pulls.values()].filter((p) => p.head.sha === sha);
        return connection(
          pulls.slice(0, first).map((p) => this.pullNode(full, p.number)),
          pulls.length,
        );
      },
    };
  }

  private checkSuiteNode(full: string, sha: string) {
    return {
      __typename: 'CheckSuite',
      id: `CS_${sha}`,
      app: { __typename: 'App', databaseId: 1, slug: 'gantry', name: 'Gantry' },
      checkRuns: ({
        first,
        filterBy,
      }: {
        first: number;
        filterBy?: { checkName?: string; checkType?: 'ALL' | 'LATEST'; status?: string };
      }) => {
        let runs = this.simulator
          .repository(full)
          .checkRuns.filter(
            (r) =>
              r.head_sha === sha &&
              (!filterBy?.checkName || r.name === filterBy.checkName) &&
              (!filterBy?.status || upper(r.status) === filterBy.status),
          );
        if (filterBy?.checkType === 'LATEST')
          runs = runs.filter((r) => !runs.some((other) => other.name === r.name && other.id > r.id));
        return connection(
          runs.slice(0, first).map((r) => this.checkRunNode(r)),
          runs.length,
        );
      },
    };
  }

  private checkRunNode(run: SimulatedCheckRun) {
    return {
      __typename: 'CheckRun',
      id: `CR_${run.id}`,
      databaseId: run.id,
      name: run.name,
      status: upper(run.status),
      conclusion: upper(run.conclusion),
      externalId: run.external_id || null,
      detailsUrl: run.details_url,
      title: run.output.title ?? null,
      summary: run.output.summary ?? null,
      text: run.output.text ?? null,
    };
  }

  private pullNode(full: string, number: number) {
    const pull = this.simulator.repository(full).pulls.get(number)!;
    return {
      __typename: 'PullRequest',
      id: pullNodeId(full, number),
      number,
      state: pull.state === 'open' ? 'OPEN' : 'CLOSED',
      comments: ({ first, after }: { first: number; after?: string }) => {
        const all = this.simulator.repository(full).comments.filter((c) => c.issue === number);
        const start = after ? all.findIndex((c) => String(c.id) === after) + 1 : 0;
        const shown = all.slice(start, start + first);
        return {
          ...connection(
            shown.map((c) => this.commentNode(c)),
            all.length,
          ),
          edges: shown.map((c) => ({ cursor: String(c.id), node: this.commentNode(c) })),
          pageInfo: {
            hasNextPage: start + first < all.length,
            hasPreviousPage: start > 0,
            startCursor: shown[0] ? String(shown[0].id) : null,
            endCursor: shown.at(-1) ? String(shown.at(-1)!.id) : null,
          },
        };
      },
    };
  }

  private commentNode(comment: SimulatedComment) {
    return {
      __typename: 'IssueComment',
      id: `IC_${comment.id}`,
      databaseId: comment.id,
      body: comment.body,
      // The viewer of an installation's token is the app's bot user.
      viewerDidAuthor: comment.user === BOT_LOGIN,
      author: {
        __typename: comment.user === BOT_LOGIN ? 'Bot' : 'User',
        login: comment.user.replace(/\[bot\]$/, ''),
      },
    };
  }

  private comment(id: string): SimulatedComment | undefined {
    const databaseId = Number(/^IC_(\d+)$/.exec(id)?.[1]);
    for (const name of this.simulator.repositoryNames()) {
      const found = this.simulator.repository(name).comments.find((c) => c.id === databaseId);
      if (found) return found;
    }
    return undefined;
  }

  /** createCheckRun and updateCheckRun, with the REST API's semantics: the same runs either way. */
  private writeCheckRun(input: CheckRunInput) {
    const scope = parseNodeId(input.repositoryId);
    if (scope?.kind !== 'R' || !this.simulator.repositoryNames().includes(scope.full))
      throw new GitHubGraphqlError(
        'NOT_FOUND',
        `Could not resolve to a node with the global id of '${input.repositoryId}'`,
      );
    const repo = this.simulator.repository(scope.full);
    const annotations = (input.output?.annotations ?? []).map((a) => ({
      path: a.path,
      start_line: a.location.startLine,
      end_line: a.location.endLine,
      ...(a.location.startColumn !== undefined ? { start_column: a.location.startColumn } : {}),
      ...(a.location.endColumn !== undefined ? { end_column: a.location.endColumn } : {}),
      annotation_level: a.annotationLevel.toLowerCase(),
      message: a.message,
      ...(a.title !== undefined ? { title: a.title } : {}),
      ...(a.rawDetails !== undefined ? { raw_details: a.rawDetails } : {}),
    }));
    if (annotations.length > ANNOTATIONS_PER_REQUEST)
      throw new GitHubGraphqlError('UNPROCESSABLE', 'Only 50 annotations are allowed per request.');
    const output = input.output
      ? { title: input.output.title, summary: input.output.summary, text: input.output.text }
      : undefined;
    if (input.checkRunId === undefined) {
      if (!input.headSha || !repo.commitInfo.has(input.headSha))
        throw new GitHubGraphqlError('UNPROCESSABLE', `No commit found for SHA: ${input.headSha}`);
      const run: SimulatedCheckRun = {
        id: this.simulator.newId(),
        name: input.name!,
        head_sha: input.headSha,
        status: input.conclusion ? 'completed' : (lower(input.status) ?? 'queued'),
        conclusion: lower(input.conclusion) ?? null,
        external_id: input.externalId ?? '',
        details_url: input.detailsUrl ?? null,
        output: output ?? {},
        annotations,
        actions: input.actions ?? [],
      };
      repo.checkRuns.push(run);
      return this.checkRunNode(run);
    }
    const run = repo.checkRuns.find((r) => `CR_${r.id}` === input.checkRunId);
    if (!run)
      throw new GitHubGraphqlError(
        'NOT_FOUND',
        `Could not resolve to a node with the global id of '${input.checkRunId}'`,
      );
    if (input.status) run.status = lower(input.status)!;
    if (input.conclusion) Object.assign(run, { conclusion: lower(input.conclusion), status: 'completed' });
    if (input.externalId !== undefined) run.external_id = input.externalId;
    if (input.detailsUrl !== undefined) run.details_url = input.detailsUrl;
    if (input.actions) run.actions = input.actions;
    if (output) run.output = output;
    run.annotations.push(...annotations);
    return this.checkRunNode(run);
  }
}

function connection<T>(nodes: T[], totalCount: number) {
  return { nodes, totalCount };
}

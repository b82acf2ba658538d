import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Node = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  node: Node;
}

/** OpenAPI 3.0's `nullable: true` is not JSON Schema: turn it into a type or enum that allows null. */
function rewriteNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteNullable);
  if (!value || typeof value !== 'object') return value;
  const node = Object.fromEntries(Object.entries(value as Node).map(([k, v]) => [k, rewriteNullable(v)]));
  if (node.nullable !== true) return node;
  delete node.nullable;
  if (Array.isArray(node.enum)) node.enum = [...node.enum, null];
  if (typeof node.type === 'string') return { ...node, type: [node.type, 'null'] };
  return { anyOf: [node, { type: 'null' }] };
}

const pointerSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * GitHub's own OpenAPI description of api.github.com, as a validator: which operation a request is,
 * whether GitHub would accept its parameters and body, and whether a response has the shape GitHub
 * documents. Only `generated/api.github.com.json` is read (the package root would parse every spec).
 */
export class GitHubOpenApi {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly spec: Node;

  constructor() {
    const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
    const spec = rewriteNullable(JSON.parse(readFileSync(file, 'utf8'))) as Node & {
      paths: Record<string, Node>;
    };
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
    this.ajv.addFormat('timestamp', true);
    this.spec = spec;
    this.ajv.addSchema(spec, 'github');
    for (const [template, item] of Object.entries(spec.paths)) {
      const names: string[] = [];
      const pattern = new RegExp(
        `^${template.replace(/\{([^}]+)\}/g, (_, name: string) => {
          names.push(name);
          // A file path (contents API) spans segments; every other parameter is one segment.
          return name === 'path' ? '(.+)' : '([^/]+)';
        })}$`,
      );
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        const node = item[method] as Node | undefined;
        if (node) this.operations.push({ method: method.toUpperCase(), template, pattern, names, node });
      }
    }
  }

  /** The documented operation for a method and path, with its path parameters. */
  match(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined {
    for (const operation of this.operations) {
      if (operation.method !== method) continue;
      const found = operation.pattern.exec(path);
      if (found) {
        const params = Object.fromEntries(
          operation.names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)]),
        );
        return { operation, params };
      }
    }
    return undefined;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `github#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  private problems(pointer: string, data: unknown): string[] {
    const validate = this.validator(pointer);
    if (validate(data)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
  }

  private base(operation: Operation): string {
    return `/paths/${pointerSegment(operation.template)}/${operation.method.toLowerCase()}`;
  }

  /** The operation's parameters, `$ref`s resolved, each with the JSON pointer of its schema. */
  private parameters(
    operation: Operation,
  ): { name: string; in: string; required: boolean; pointer: string; type?: string }[] {
    const list = (operation.node.parameters as Node[] | undefined) ?? [];
    return list.map((parameter, i) => {
      const ref = parameter.$ref as string | undefined;
      const node = ref ? (this.resolve(ref) as Node) : parameter;
      const pointer = ref ? `${ref.slice(1)}/schema` : `${this.base(operation)}/parameters/${i}/schema`;
      return {
        name: node.name as string,
        in: node.in as string,
        required: node.required === true,
        pointer,
        type: (node.schema as Node | undefined)?.type as string | undefined,
      };
    });
  }

  private resolve(ref: string): unknown {
    let node: unknown = this.spec;
    for (const segment of ref.slice(2).split('/'))
      node = (node as Node)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
    return node;
  }

  /** What GitHub would reject in the path and query parameters: a missing required one, a wrong type or value. */
  parameterProblems(operation: Operation, path: Record<string, string>, query: URLSearchParams): string[] {
    const problems: string[] = [];
    for (const parameter of this.parameters(operation)) {
      if (parameter.in !== 'path' && parameter.in !== 'query') continue;
      const raw = parameter.in === 'path' ? path[parameter.name] : (query.get(parameter.name) ?? undefined);
      if (raw === undefined) {
        if (parameter.required) problems.push(`missing required ${parameter.in} parameter ${parameter.name}`);
        continue;
      }
      const value =
        parameter.type === 'integer' || parameter.type === 'number'
          ? Number(raw)
          : parameter.type === 'boolean'
            ? raw === 'true'
              ? true
              : raw === 'false'
                ? false
                : raw
            : raw;
      for (const problem of this.problems(parameter.pointer, value))
        problems.push(`${parameter.in} parameter ${parameter.name}${problem.replace(/^\(root\)/, '')}`);
    }
    return problems;
  }

  /** What GitHub would reject in a request body; empty when it is acceptable. */
  requestProblems(operation: Operation, body: unknown): string[] {
    const requestBody = operation.node.requestBody as Node | undefined;
    const content = requestBody?.content as Node | undefined;
    if (!content?.['application/json'])
      return body === undefined ? [] : ['this operation takes no JSON body'];
    if (body === undefined) return requestBody?.required === true ? ['a JSON body is required'] : [];
    return this.problems(`${this.base(operation)}/requestBody/content/application~1json/schema`, body);
  }

  /** Where a webhook payload differs from GitHub's schema of the event (`x-webhooks`, e.g. `deployment-protection-rule-requested`). */
  webhookProblems(webhook: string, payload: unknown): string[] {
    return this.problems(`/components/schemas/webhook-${webhook}`, payload);
  }

  /** Where a response differs from the documented shape for its status. */
  responseProblems(operation: Operation, status: number, body: unknown): string[] {
    const responses = operation.node.responses as Record<string, Node>;
    const documented = responses[String(status)];
    if (!documented)
      return [`status ${status} is not documented for ${operation.method} ${operation.template}`];
    const content = documented.content as Node | undefined;
    if (!content?.['application/json']) return [];
    return this.problems(
      `${this.base(operation)}/responses/${status}/content/application~1json/schema`,
      body,
    );
  }
}

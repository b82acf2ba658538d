/** JSON Schema nodes as zod writes them for model.yml (draft-07). */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  title?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  pattern?: string;
}

interface Row {
  field: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

function variants(node: SchemaNode): SchemaNode[] {
  return node.anyOf ?? node.oneOf ?? [node];
}

function typeOf(node: SchemaNode): string {
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.anyOf || node.oneOf) return [...new Set(variants(node).map(typeOf))].join(' or ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object' && !node.properties) return 'mapping';
  if (node.type === 'object') return 'mapping (below)';
  if (node.type === 'integer') return 'whole number';
  return Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
}

/** The discriminator shared by every variant of a union (e.g. `source` of weights), if any. */
function discriminator(nodes: SchemaNode[]): string | undefined {
  const first = nodes[0]?.properties ?? {};
  return Object.keys(first).find((key) => nodes.every((n) => n.properties?.[key]?.const !== undefined));
}

function collect(node: SchemaNode, prefix: string, rows: Row[], note = ''): void {
  const options = variants(node);
  const tag = options.length > 1 ? discriminator(options) : undefined;
  for (const option of options) {
    const when = tag ? ` (when ${tag}: ${String(option.properties?.[tag]?.const)})` : note;
    for (const [key, child] of Object.entries(option.properties ?? {})) {
      if (tag && key === tag && option !== options[0]) continue;
      const field = `${prefix}${key}`;
      const description =
        key === tag ? `${child.description ?? ''}`.trim() : `${child.description ?? ''}${when}`.trim();
      const type =
        key === tag ? options.map((o) => typeOf(o.properties?.[tag] ?? {})).join(' \\| ') : typeOf(child);
      rows.push({
        field,
        type,
        required: option.required?.includes(key) ?? false,
        default: child.default,
        description,
      });
      const values = variants(child).find((v) => v.type === 'object');
      if (values?.properties) collect(child, `${field}.`, rows);
      else if (typeof values?.additionalProperties === 'object')
        collect(values.additionalProperties, `${field}.<name>.`, rows);
      const items = variants(child).find((v) => v.type === 'array')?.items;
      if (items && variants(items).some((v) => v.properties)) collect(items, `${field}[].`, rows);
    }
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** docs/model-yml.md: every field of model.yml with its type, default and description, from the schema. */
export function renderManifestReference(schema: object): string {
  const root = schema as SchemaNode;
  const rows: Row[] = [];
  collect(root, '', rows);
  const lines = [
    '# model.yml reference',
    '',
    '<!-- Generated from schemas/model-manifest.ts by `npm run schemas`; do not edit by hand. -->',
    '',
    `${root.description ?? ''}`,
    '',
    'Start the file with `# yaml-language-server: $schema=<path to>/model-manifest.schema.json` for completion and',
    'checking in editors. Paths are relative to the folder that holds model.yml. `gantry validate` reports every',
    'problem with its line and column.',
    '',
    'A minimal manifest:',
    '',
    '```yaml',
    'name: acme/chat',
    'version: 1.0.0',
    'task: llm',
    'server:',
    '  type: openai',
    '  command: [python3, server.py]',
    '```',
    '',
    '| field | type | required | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| \`${r.field}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${
          r.default === undefined ? '' : `\`${cell(JSON.stringify(r.default))}\``
        } | ${cell(r.description)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

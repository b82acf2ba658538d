import type { FieldPath } from './field-path.js';

type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
};

function alternatives(node: JsonSchemaNode): JsonSchemaNode[] {
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return nested.length === 0 ? [node] : nested.flatMap(alternatives);
}

/** The field names a JSON Schema allows at a path of the data: what a misspelt key is compared with. */
export function allowedKeys(schema: object, path: FieldPath): string[] {
  let nodes = alternatives(schema as JsonSchemaNode);
  for (const segment of path) {
    nodes = nodes.flatMap((node) => {
      if (typeof segment === 'number') return node.items ? alternatives(node.items) : [];
      const child = node.properties?.[segment] ?? node.additionalProperties;
      return typeof child === 'object' ? alternatives(child) : [];
    });
  }
  return [...new Set(nodes.flatMap((node) => Object.keys(node.properties ?? {})))];
}

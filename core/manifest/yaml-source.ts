import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { FieldPath } from './field-path.js';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface YamlSyntaxError extends SourcePosition {
  message: string;
}

/**
 * A parsed YAML file that remembers where every value came from, so problems found in the data
 * can be reported at the line and column a person has to edit.
 */
export class YamlSource {
  readonly document: Document;
  private readonly lines = new LineCounter();

  constructor(readonly text: string) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  syntaxErrors(): YamlSyntaxError[] {
    const errors: YamlSyntaxError[] = [];
    const seen = new Set<number>();
    for (const error of this.document.errors) {
      // The parser often reports one mistake several ways at one place; the first says it best.
      const offset = error.pos[0];
      if (seen.has(offset)) continue;
      seen.add(offset);
      const position = this.position(offset);
      if (error.code === 'DUPLICATE_KEY') {
        const key = /^[^:\n]*/.exec(this.text.slice(offset))?.[0].trim() ?? '';
        errors.push({
          ...position,
          message: `duplicate key "${key}": each key may appear once in a mapping`,
        });
      } else {
        errors.push({
          ...position,
          message: error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, ''),
        });
      }
    }
    return errors;
  }

  /** A scalar exactly as written (`1.0`, not the number 1), for messages about it. */
  writtenAt(path: FieldPath): string | undefined {
    const node = this.document.getIn(path, true);
    if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
    return this.text.slice(node.range[0], node.range[1]);
  }

  /** The plain data; call only when there are no syntax errors. Aliases are bounded against expansion bombs. */
  toData(): unknown {
    return this.document.toJS({ maxAliasCount: 100 });
  }

  /**
   * Where a field is. `key` points at the key of the last segment (for unknown fields), `value` at its
   * value. A path that does not exist (a missing field) points at the closest existing parent's key.
   */
  locate(path: FieldPath, at: 'key' | 'value' = 'value'): SourcePosition {
    let node: unknown = this.document.contents;
    let holderKey: Node | undefined;
    for (const [index, segment] of path.entries()) {
      const last = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (pair === undefined) return this.nodePosition(holderKey ?? (node as Node));
        const key = pair.key as Node;
        if (last && at === 'key') return this.nodePosition(key);
        if (pair.value === null || pair.value === undefined) return this.nodePosition(key);
        holderKey = key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
        holderKey = undefined;
      } else {
        return this.nodePosition(holderKey ?? (node as Node | null));
      }
    }
    return this.nodePosition(node as Node | null);
  }

  private nodePosition(node: Node | null | undefined): SourcePosition {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, column: 1 } : this.position(offset);
  }

  private position(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

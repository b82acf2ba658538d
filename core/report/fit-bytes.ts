/** A piece of markdown that is whole on its own: a paragraph, a table's header, one table row. */
export interface Block {
  text: string;
  /** A heading and table header: dropped when no row after it fits. */
  header?: boolean;
  /** A block that shows one rule, counted in the note when some are cut. */
  rule?: boolean;
  /** Lower is kept first when not everything fits (a failing rule before a passing one). */
  priority?: number;
}

export interface Parts {
  /** Always kept: the marker, the verdict line. */
  head: string;
  /** Kept in order while they fit. */
  body: readonly Block[];
  /** Kept when it is small next to the limit (the collapsible details). */
  tail: string;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The longest run of whole lines of `text` within `limit` bytes. */
function wholeLines(text: string, limit: number): string {
  let kept = '';
  for (const line of text.split(/(?<=\n)/)) {
    if (bytes(kept) + bytes(line) > limit) break;
    kept += line;
  }
  return kept;
}

/**
 * Joins the parts, and when they exceed `limit` bytes (GitHub counts bytes, not characters) keeps the body
 * blocks that matter most, whole, so no table row, code fence or tag is left half-open, and says so with
 * `note`.
 */
export function fitBytes(
  parts: Parts,
  limit: number,
  note: (shownRules: number, totalRules: number) => string,
): string {
  const full = parts.head + parts.body.map((b) => b.text).join('') + parts.tail;
  if (bytes(full) <= limit) return full;
  const total = parts.body.filter((b) => b.rule).length;
  // Sized with the widest counts, so the final note cannot be longer than what was set aside for it.
  const noteBytes = bytes(note(total, total)) + 8;
  const head = wholeLines(parts.head, limit - noteBytes);
  let budget = limit - bytes(head) - noteBytes;
  const tail = bytes(parts.tail) <= budget / 4 ? parts.tail : '';
  budget -= bytes(tail);
  // Blocks are chosen by priority, each with the header it sits under, then shown in document order.
  const headerOf: number[] = [];
  parts.body.forEach((block, i) => {
    headerOf[i] = block.header ? i : (headerOf[i - 1] ?? -1);
  });
  const size = (i: number) => bytes(parts.body[i]!.text);
  const order = parts.body
    .map((_, i) => i)
    .filter((i) => !parts.body[i]!.header)
    .sort((a, b) => (parts.body[a]!.priority ?? 0) - (parts.body[b]!.priority ?? 0) || a - b);
  const chosen = new Set<number>();
  let used = 0;
  for (const i of order) {
    const header = headerOf[i]!;
    const cost = size(i) + (header >= 0 && !chosen.has(header) ? size(header) : 0);
    if (used + cost > budget) continue;
    chosen.add(i);
    if (header >= 0) chosen.add(header);
    used += cost;
  }
  const kept = parts.body.filter((_, i) => chosen.has(i));
  const shown = kept.filter((b) => b.rule).length;
  return head + kept.map((b) => b.text).join('') + note(shown, total) + tail;
}

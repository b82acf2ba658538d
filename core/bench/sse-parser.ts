/**
 * A streaming parser for OpenAI-style server-sent events, built for speed: it splits events on the
 * raw bytes and decides whether an event carries content by looking for a non-empty `"content":"` or
 * `"text":"` value, so the common token chunk is never decoded or JSON-parsed. Only events holding
 * `usage` or `error` are parsed in full. A role-only first chunk (`"content":""`) is not content.
 */
const BOUNDARY = Buffer.from('\n\n');
const CRLF_BOUNDARY = Buffer.from('\r\n\r\n');
const DATA = Buffer.from('data:');
const CONTENT = Buffer.from('"content":"');
const TEXT = Buffer.from('"text":"');
const USAGE = Buffer.from('"usage":{');
const ERROR = Buffer.from('"error":');
const DONE = Buffer.from('[DONE]');
const KEYS = [CONTENT, TEXT, USAGE, ERROR];
const [CONTENT_KEY, TEXT_KEY, USAGE_KEY, ERROR_KEY] = [0, 1, 2, 3] as const;
/** A key's next place is unknown in this read (-1 is indexOf's "nowhere left"). */
const NOT_SEARCHED = -2;
const NONE = -1;
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const SPACE = 0x20;

export interface StreamUsage {
  promptTokens?: number;
  completionTokens?: number;
}

export class SseParser {
  /** Arrival time of each event that carried content (events in one read share its time). */
  readonly contentTimes: number[] = [];
  usage: StreamUsage | undefined;
  done = false;
  /** Set when the stream is not what an OpenAI server sends; parsing stops there. */
  malformed: string | undefined;
  private pending: Buffer | undefined;
  private boundary = BOUNDARY;

  push(chunk: Buffer, now: number): void {
    if (this.malformed !== undefined || this.done) return;
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    this.keys.fill(NOT_SEARCHED);
    let start = 0;
    for (;;) {
      let end = buf.indexOf(this.boundary, start);
      if (end < 0 && this.boundary === BOUNDARY && start === 0) {
        // Servers may end lines with CRLF; notice it once, on the first event.
        const crlf = buf.indexOf(CRLF_BOUNDARY, 0);
        if (crlf >= 0) {
          this.boundary = CRLF_BOUNDARY;
          end = crlf;
        }
      }
      if (end < 0) break;
      this.event(buf, start, end, now);
      start = end + this.boundary.length;
      if (this.malformed !== undefined || this.done) return;
    }
    if (start < buf.length) this.pending = buf.subarray(start);
  }

  /**
   * Where each key next occurs in the read at or after an event's start, so that every key is looked
   * for once per occurrence, not once per event: a read of many token events costs a boundary search
   * and a content search per event, and one search each for the rare keys (usage, error).
   */
  private readonly keys: number[] = [NOT_SEARCHED, NOT_SEARCHED, NOT_SEARCHED, NOT_SEARCHED];

  private next(buf: Buffer, key: number, from: number): number {
    const known = this.keys[key]!;
    if (known === NONE || known >= from) return known;
    const found = buf.indexOf(KEYS[key]!, from);
    this.keys[key] = found;
    return found;
  }

  /** Whether the event [from, end) holds the key followed by a non-empty string. */
  private hasNonEmpty(buf: Buffer, key: number, from: number, end: number): boolean {
    const length = KEYS[key]!.length;
    for (
      let at = this.next(buf, key, from);
      at >= 0 && at + length < end;
      at = this.next(buf, key, at + length)
    )
      if (buf[at + length] !== QUOTE) return true;
    return false;
  }

  private event(buf: Buffer, start: number, end: number, now: number): void {
    // Comments (":…") and other fields (event:, id:, retry:) carry nothing we measure.
    let at = start;
    while (at < end && (buf[at] === 0x0a || buf[at] === 0x0d)) at++;
    if (!startsWith(buf, DATA, at, end)) return;
    at += DATA.length;
    if (buf[at] === SPACE) at++;
    if (startsWith(buf, DONE, at, end)) {
      this.done = true;
      return;
    }
    let last = end - 1;
    while (last > at && (buf[last] === 0x0d || buf[last] === 0x0a || buf[last] === SPACE)) last--;
    if (at >= end || buf[at] !== OPEN_BRACE || buf[last] !== CLOSE_BRACE) {
      this.malformed = `an event is not JSON: ${buf.toString('utf8', at, Math.min(end, at + 80))}`;
      return;
    }
    const content = this.hasNonEmpty(buf, CONTENT_KEY, at, end) || this.hasNonEmpty(buf, TEXT_KEY, at, end);
    if (content) this.contentTimes.push(now);
    const usage = this.next(buf, USAGE_KEY, at);
    // An error event carries no content: a token's event is not searched for one.
    const error = content ? NONE : this.next(buf, ERROR_KEY, at);
    if ((usage >= 0 && usage < end) || (error >= 0 && error < end))
      this.parseFull(buf.toString('utf8', at, last + 1));
  }

  private parseFull(text: string): void {
    let value: { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }; error?: unknown };
    try {
      value = JSON.parse(text);
    } catch {
      this.malformed = `an event is not JSON: ${text.slice(0, 80)}`;
      return;
    }
    if (value.error !== undefined && value.error !== null) {
      const error = value.error as { message?: unknown };
      this.malformed = `the server sent an error in the stream: ${typeof error.message === 'string' ? error.message : JSON.stringify(error)}`;
      return;
    }
    const usage = value.usage;
    if (usage && typeof usage.completion_tokens === 'number') {
      this.usage = {
        completionTokens: usage.completion_tokens,
        promptTokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : undefined,
      };
    }
  }
}

function startsWith(buf: Buffer, prefix: Buffer, at: number, end: number): boolean {
  if (at + prefix.length > end) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/**
 * A streaming parser for OpenAI-style server-sent events, built for speed: it splits events on the
 * raw bytes and decides whether an event carries content by looking for a non-empty `"content":"` or
 * `"text":"` value, so the common token chunk is never decoded or JSON-parsed. Only events holding
 * `usage` or `error` are parsed in full. A role-only first chunk (`"content":""`) is not content.
 *
 * An event is read in one pass over its bytes that stops at quotes only: cheaper than a Buffer.indexOf
 * per key, whose fixed cost per call is larger than a token's event. The bytes before the first key of
 * the last event read in full (id, object, created, model: the same in every chunk of a stream for a
 * second at a time) are compared in one call and not read again while they stay the same.
 */
const BOUNDARY = Buffer.from('\n\n');
const CRLF_BOUNDARY = Buffer.from('\r\n\r\n');
const DATA = Buffer.from('data:');
const CONTENT = Buffer.from('"content":"');
const TEXT = Buffer.from('"text":"');
const USAGE = Buffer.from('"usage":{');
const ERROR = Buffer.from('"error":');
const DONE = Buffer.from('[DONE]');
const LF = 0x0a;
const QUOTE = 0x22;
/** Second bytes of the keys, after their opening quote. */
const [C, T, U, E] = [0x63, 0x74, 0x75, 0x65];
/** What an event holds (bits). */
const HAS_CONTENT = 1;
const HAS_USAGE = 2;
const HAS_ERROR = 4;
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
    let start = 0;
    for (;;) {
      let end = this.boundary === BOUNDARY ? blankLine(buf, start) : buf.indexOf(this.boundary, start);
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

  /** The last fully read event's bytes before its first key, if it had one. */
  private prefix: Buffer | undefined;

  /** One pass over an event's JSON [from, end): which of the keys it holds (content only when non-empty). */
  private scan(buf: Buffer, from: number, end: number): number {
    const { prefix } = this;
    const known =
      prefix !== undefined &&
      end - from > prefix.length &&
      buf.compare(prefix, 0, prefix.length, from, from + prefix.length) === 0;
    let found = 0;
    let firstKey = -1;
    for (let i = known ? from + prefix.length : from; i < end; i++) {
      if (buf[i] !== QUOTE) continue;
      const second = buf[i + 1];
      let key = 0;
      if (second === C || second === T) {
        const name = second === C ? CONTENT : TEXT;
        if (startsWith(buf, name, i, end) && i + name.length < end) {
          key = buf[i + name.length] !== QUOTE ? HAS_CONTENT : -1;
          if (firstKey < 0) firstKey = i;
          i += name.length - 1;
        }
      } else if (second === U && startsWith(buf, USAGE, i, end)) key = HAS_USAGE;
      else if (second === E && startsWith(buf, ERROR, i, end)) key = HAS_ERROR;
      if (key > 0) found |= key;
      if (key !== 0 && firstKey < 0) firstKey = i;
    }
    if (!known) this.prefix = firstKey > from ? buf.subarray(from, firstKey) : undefined;
    return found;
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
    const found = this.scan(buf, at, last + 1);
    if (found & HAS_CONTENT) this.contentTimes.push(now);
    if (found & (HAS_USAGE | HAS_ERROR)) this.parseFull(buf.toString('utf8', at, last + 1));
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

/** Where the next "\n\n" starts: a scan for single newlines (memchr), each checked for a second one. */
function blankLine(buf: Buffer, from: number): number {
  for (let at = buf.indexOf(LF, from); at >= 0; at = buf.indexOf(LF, at + 1))
    if (buf[at + 1] === LF) return at;
  return -1;
}

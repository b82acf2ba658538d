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

  private event(buf: Buffer, start: number, end: number, now: number): void {
    // Searches stay inside the event (a view, not a copy), so a read holding many events stays linear.
    const ev = buf.subarray(start, end);
    // Comments (":…") and other fields (event:, id:, retry:) carry nothing we measure.
    let at = 0;
    while (at < ev.length && (ev[at] === 0x0a || ev[at] === 0x0d)) at++;
    if (at >= ev.length || ev.indexOf(DATA, at) !== at) return;
    at += DATA.length;
    if (ev[at] === SPACE) at++;
    if (ev.indexOf(DONE, at) === at) {
      this.done = true;
      return;
    }
    let last = ev.length - 1;
    while (last > at && (ev[last] === 0x0d || ev[last] === 0x0a || ev[last] === SPACE)) last--;
    if (ev[at] !== OPEN_BRACE || ev[last] !== CLOSE_BRACE) {
      this.malformed = `an event is not JSON: ${ev.toString('utf8', at, Math.min(ev.length, at + 80))}`;
      return;
    }
    if (hasNonEmpty(ev, CONTENT, at) || hasNonEmpty(ev, TEXT, at)) this.contentTimes.push(now);
    if (ev.indexOf(USAGE, at) >= 0 || ev.indexOf(ERROR, at) >= 0)
      this.parseFull(ev.toString('utf8', at, last + 1));
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

function hasNonEmpty(ev: Buffer, key: Buffer, start: number): boolean {
  let at = ev.indexOf(key, start);
  while (at >= 0 && at + key.length < ev.length) {
    if (ev[at + key.length] !== QUOTE) return true;
    at = ev.indexOf(key, at + key.length);
  }
  return false;
}

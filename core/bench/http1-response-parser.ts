/**
 * An incremental parser for one HTTP/1.1 response at a time, as much as a benchmark client needs: the
 * status, whether the connection may carry the next request, and the body as it arrives, whether framed
 * by Content-Length, chunked transfer-encoding or the connection's close. Bodies are handed on as
 * slices of the reads (no copies); chunk framing is read byte by byte, so a read may end anywhere.
 */
const HEAD_END = Buffer.from('\r\n\r\n');
/** Heads above this are not what a model server sends. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Chunk sizes above this (1 TiB) are garbage, and would lose precision in a number anyway. */
const MAX_CHUNK = 2 ** 40;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const DIGITS = /^\d+$/;
const CHUNKED_LAST = /(?:^|,)\s*chunked\s*$/i;
const CR = 0x0d;
const LF = 0x0a;

const HEAD = 0;
const LENGTH_BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_EXTENSION = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const UNTIL_CLOSE = 7;
const COMPLETE = 8;
const MALFORMED = 9;

export interface ResponseSink {
  /** The final (non-1xx) status line and headers are in. */
  onHead(status: number): void;
  /** A piece of the body: a slice of the read, valid as long as the read is. */
  onBody(part: Buffer): void;
}

export class ResponseParser {
  status = 0;
  /** Whether the connection may carry another request once this response is complete. */
  keepAlive = true;
  /** Why the bytes are not an HTTP/1.1 response; parsing stops there. */
  malformed: string | undefined;
  private state = HEAD;
  /** Reads holding the start of a head whose end has not come yet. */
  private head: Buffer[] = [];
  private headBytes = 0;
  /** The last bytes held of it, where the end of the head may begin. */
  private headTail: Buffer | undefined;
  /** Bytes left of a Content-Length body or of the current chunk. */
  private remaining = 0;
  private chunkSize = 0;
  private sizeDigits = 0;
  private trailerLine = 0;

  get complete(): boolean {
    return this.state === COMPLETE;
  }

  /** Ready for the next response on the same connection. */
  reset(): void {
    this.status = 0;
    this.keepAlive = true;
    this.malformed = undefined;
    this.state = HEAD;
    this.head = [];
    this.headBytes = 0;
    this.headTail = undefined;
  }

  /**
   * Parses one read. Returns where the response ended in it when it completed there (bytes after that
   * belong to no request), otherwise -1.
   */
  feed(buf: Buffer, sink: ResponseSink): number {
    let at = 0;
    while (at < buf.length || this.state === HEAD) {
      switch (this.state) {
        case HEAD: {
          const end = this.headEnd(buf, at);
          if (end < 0) return -1;
          at = end;
          if (this.state === HEAD) continue; // a 1xx interim response: the real one follows
          sink.onHead(this.status);
          break;
        }
        case LENGTH_BODY:
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, buf.length - at);
          sink.onBody(buf.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = this.state === LENGTH_BODY ? COMPLETE : CHUNK_DATA_END;
          break;
        }
        case UNTIL_CLOSE:
          sink.onBody(at === 0 ? buf : buf.subarray(at));
          return -1;
        case COMPLETE:
          return at;
        case MALFORMED:
          return -1;
        default:
          at = this.framing(buf, at);
      }
      if (this.state === COMPLETE) return at;
    }
    return -1;
  }

  /** The connection closed: true when that is how this response's body ends. */
  close(): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.state = COMPLETE;
    return true;
  }

  /** Reads chunk sizes, the line ends after chunk data and the trailers, one byte at a time. */
  private framing(buf: Buffer, from: number): number {
    let at = from;
    while (at < buf.length) {
      const byte = buf[at++]!;
      switch (this.state) {
        case CHUNK_SIZE: {
          const digit = hexValue(byte);
          if (digit >= 0) {
            this.chunkSize = this.chunkSize * 16 + digit;
            this.sizeDigits++;
            if (this.chunkSize > MAX_CHUNK) return this.fail('a chunk size is too large');
          } else if (byte === 0x3b || byte === 0x20 || byte === 0x09) this.state = CHUNK_EXTENSION;
          else if (byte === LF) return this.endOfSize(at);
          else if (byte !== CR) return this.fail('a chunk size is not hexadecimal');
          break;
        }
        case CHUNK_EXTENSION:
          if (byte === LF) return this.endOfSize(at);
          break;
        case CHUNK_DATA_END:
          if (byte === LF) {
            this.startChunk();
            break;
          }
          if (byte !== CR) return this.fail('chunk data runs past its size');
          break;
        case TRAILERS:
          if (byte === LF) {
            if (this.trailerLine === 0) {
              this.state = COMPLETE;
              return at;
            }
            this.trailerLine = 0;
          } else if (byte !== CR) this.trailerLine++;
          break;
      }
    }
    return at;
  }

  private startChunk(): void {
    this.state = CHUNK_SIZE;
    this.chunkSize = 0;
    this.sizeDigits = 0;
  }

  private endOfSize(at: number): number {
    if (this.sizeDigits === 0) return this.fail('a chunk size line holds no size');
    if (this.chunkSize === 0) {
      this.state = TRAILERS;
      this.trailerLine = 0;
    } else {
      this.state = CHUNK_DATA;
      this.remaining = this.chunkSize;
    }
    return at;
  }

  private fail(why: string): number {
    this.malformed ??= why;
    this.state = MALFORMED;
    return Number.MAX_SAFE_INTEGER;
  }

  /** Finds the end of the head from `at`; parses it and returns the offset after it, or -1 for more. */
  private headEnd(buf: Buffer, at: number): number {
    const rest = at === 0 ? buf : buf.subarray(at);
    if (this.headBytes === 0) {
      const end = rest.indexOf(HEAD_END);
      if (end >= 0) {
        this.parseHead(rest.toString('latin1', 0, end));
        return this.state === MALFORMED ? Number.MAX_SAFE_INTEGER : at + end + HEAD_END.length;
      }
    }
    // The head spans reads: its end may straddle them, so the last bytes held are searched with this read.
    const tail = this.headTail;
    const probe = tail ? Buffer.concat([tail, rest]) : rest;
    const end = probe.indexOf(HEAD_END);
    if (end < 0) {
      this.head.push(rest);
      this.headTail = probe.subarray(-3);
      this.headBytes += rest.length;
      if (this.headBytes > MAX_HEAD_BYTES) {
        this.fail(`no end of the response head in ${MAX_HEAD_BYTES} bytes`);
        return Number.MAX_SAFE_INTEGER;
      }
      return -1;
    }
    const inRest = end + HEAD_END.length - (tail?.length ?? 0);
    const whole = Buffer.concat([...this.head, rest.subarray(0, inRest)]);
    this.head = [];
    this.headBytes = 0;
    this.headTail = undefined;
    this.parseHead(whole.toString('latin1', 0, whole.length - HEAD_END.length));
    return this.state === MALFORMED ? Number.MAX_SAFE_INTEGER : at + inRest;
  }

  private parseHead(text: string): void {
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = text.length;
    const statusLine = STATUS_LINE.exec(text.slice(0, lineEnd));
    if (!statusLine) {
      this.fail(`not an HTTP/1.1 response: ${JSON.stringify(text.slice(0, Math.min(lineEnd, 80)))}`);
      return;
    }
    const status = Number(statusLine[2]);
    let keepAlive = statusLine[1] === '1';
    let length: number | undefined;
    let chunked = false;
    let encoded = false;
    // Only three headers matter here; the others are skipped by the length of their names.
    while (lineEnd < text.length) {
      const from = lineEnd + 2;
      lineEnd = text.indexOf('\r\n', from);
      if (lineEnd < 0) lineEnd = text.length;
      const colon = text.indexOf(':', from);
      if (colon <= from || colon > lineEnd) {
        this.fail(
          `a response header line has no name: ${JSON.stringify(text.slice(from, Math.min(lineEnd, from + 80)))}`,
        );
        return;
      }
      const nameLength = colon - from;
      if (nameLength !== 14 && nameLength !== 17 && nameLength !== 10) continue;
      const name = text.slice(from, colon).toLowerCase();
      const value = text.slice(colon + 1, lineEnd).trim();
      if (name === 'content-length') {
        if (!DIGITS.test(value) || (length !== undefined && length !== Number(value))) {
          this.fail(`bad Content-Length: ${JSON.stringify(value.slice(0, 40))}`);
          return;
        }
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        encoded = true;
        chunked = CHUNKED_LAST.test(value);
      } else if (name === 'connection') {
        const tokens = value.toLowerCase();
        if (tokens.includes('close')) keepAlive = false;
        else if (tokens.includes('keep-alive')) keepAlive = true;
      }
    }
    if (status < 200 && status !== 101) return; // interim: stay in HEAD for the final response
    this.status = status;
    this.keepAlive = keepAlive;
    if (status === 204 || status === 304) this.state = COMPLETE;
    else if (encoded) {
      // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3); a final coding other than chunked
      // runs to the close.
      if (chunked) this.startChunk();
      else {
        this.state = UNTIL_CLOSE;
        this.keepAlive = false;
      }
    } else if (length !== undefined) {
      this.remaining = length;
      this.state = length === 0 ? COMPLETE : LENGTH_BODY;
    } else {
      this.state = UNTIL_CLOSE;
      this.keepAlive = false;
    }
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

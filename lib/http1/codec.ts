/**
 * The one HTTP/1.1 codec of tcflow: reading and framing messages on a byte stream, shared by the
 * send-once client (`../tencent/http1.ts`) and the emulator's server (`../emulator/_http1.ts`).
 *
 * Why it exists: Deno's `fetch` (hyper) re-sends a request by itself when a pooled connection
 * closes before the answer, even a POST the server has read and applied
 * (denoland/deno#35610, #36415), so a create could happen twice; and `Deno.serve` cannot close
 * a connection without answering, which the emulator's "connection cut" faults need. Both sides
 * therefore speak HTTP/1.1 on raw sockets through this module. `codec_test.ts` holds a test
 * that fails once `fetch` no longer re-sends a POST: then the client side can go back to
 * `fetch`.
 *
 * Pure framing: a {@link ByteReader} over a connection, message heads as ordered header fields
 * (so that a repeated field can be told apart), chunked bodies, `Content-Length` values. Every
 * malformed or oversized message is an {@link Http1Error} saying which; each side decides what
 * that means (the client: the request was sent; the server: a 400, 413 or 431 answer).
 *
 * @module
 */

/** What went wrong while reading a message. */
export type Http1ErrorKind =
  /** not HTTP/1 syntax (a bad start line, header line, chunk size or length) */
  | "malformed"
  /** the head is over its limit */
  | "head-too-large"
  /** the body is over its limit */
  | "body-too-large"
  /** the stream ended inside a message */
  | "closed"
  /** no byte arrived for the reader's idle timeout (the connection was closed) */
  | "idle";

/** A malformed or oversized message, a stream that ended inside one, or an idle connection. */
export class Http1Error extends Error {
  /** Always `"Http1Error"`. */
  override name = "Http1Error";
  /**
   * @param kind what went wrong
   * @param message what, with the offending text when short
   */
  constructor(readonly kind: Http1ErrorKind, message: string) {
    super(message);
  }
}

/** The largest message head (start line and header fields) read, in bytes. */
export const MAX_HEAD_BYTES = 64 * 1024;

const latin1 = new TextDecoder("latin1");

/** Options of a {@link ByteReader}. */
export interface ByteReaderOptions {
  /**
   * Closes the connection (through `onIdle`) when a read waits longer than this, and the read
   * then fails with an `idle` {@link Http1Error}. Default: reads wait as long as it takes.
   */
  idleTimeoutMs?: number | undefined;
  /** Called when the idle timeout fires (the owner closes the connection). */
  onIdle?: (() => void) | undefined;
}

/** Buffered reads from a connection. */
export class ByteReader {
  #buffer: Uint8Array = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #eof = false;
  /**
   * @param conn what is read
   * @param options an idle timeout
   */
  constructor(
    private readonly conn: Pick<Deno.Conn, "read">,
    private readonly options: ByteReaderOptions = {},
  ) {}

  /** How many bytes are read but not taken yet. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Reads more bytes into the buffer; false at the end of the stream. */
  async fill(): Promise<boolean> {
    if (this.#eof) return false;
    if (this.#buffer.length - this.#end < 16 * 1024) {
      const size = Math.max(64 * 1024, (this.#end - this.#start) * 2);
      const next = new Uint8Array(size);
      next.set(this.#buffer.subarray(this.#start, this.#end));
      this.#end -= this.#start;
      this.#start = 0;
      this.#buffer = next;
    }
    const { idleTimeoutMs, onIdle } = this.options;
    let idle = false;
    const timer = idleTimeoutMs === undefined ? undefined : setTimeout(() => {
      idle = true;
      onIdle?.();
    }, idleTimeoutMs);
    let n: number | null;
    try {
      n = await this.conn.read(this.#buffer.subarray(this.#end));
    } catch (error) {
      if (idle) throw new Http1Error("idle", `no byte for ${idleTimeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (idle) throw new Http1Error("idle", `no byte for ${idleTimeoutMs} ms`);
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#end += n;
    return true;
  }

  /** Index (relative to the unread bytes) of `\r\n` at or after `from`, or -1. */
  #crlf(from: number): number {
    for (let i = this.#start + from; i + 1 < this.#end; i++) {
      if (this.#buffer[i] === 13 && this.#buffer[i + 1] === 10) return i - this.#start;
    }
    return -1;
  }

  /**
   * One line without its `\r\n`; undefined at the end of the stream before any byte.
   *
   * @throws {Http1Error} `head-too-large` over `limit` bytes, `closed` inside the line
   */
  async line(limit: number): Promise<string | undefined> {
    let from = 0;
    for (;;) {
      const index = this.#crlf(from);
      if (index >= 0) return latin1.decode(this.take(index + 2).subarray(0, index));
      from = Math.max(0, this.buffered - 1);
      if (this.buffered > limit) throw new Http1Error("head-too-large", "a line is too long");
      if (!(await this.fill())) {
        if (this.buffered === 0) return undefined;
        throw new Http1Error("closed", "the connection closed inside a line");
      }
    }
  }

  /**
   * Exactly `n` bytes.
   *
   * @throws {Http1Error} `closed` when the stream ends first
   */
  async bytes(n: number): Promise<Uint8Array> {
    while (this.buffered < n) {
      if (!(await this.fill())) {
        throw new Http1Error(
          "closed",
          `the connection closed inside the body (${this.buffered} of ${n} bytes)`,
        );
      }
    }
    return this.take(n);
  }

  /**
   * Every byte until the end of the stream.
   *
   * @throws {Http1Error} `body-too-large` over `max` bytes
   */
  async rest(max: number): Promise<Uint8Array> {
    while (await this.fill()) {
      if (this.buffered > max) throw new Http1Error("body-too-large", `body over ${max} bytes`);
    }
    return this.take(this.buffered);
  }

  /** The next `n` buffered bytes, consumed. */
  take(n: number): Uint8Array {
    const out = this.#buffer.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }
}

/** A message head: its start line and its header fields in order, names as sent. */
export interface MessageHead {
  startLine: string;
  fields: Array<[name: string, value: string]>;
}

/**
 * Reads a message head: the start line and header fields up to the empty line.
 *
 * @returns undefined when the stream ends before any byte (a closed keep-alive connection)
 * @throws {Http1Error} `malformed` header line (no colon, obsolete line folding),
 *   `head-too-large` over {@link MAX_HEAD_BYTES}, `closed` inside the head
 */
export async function readHead(reader: ByteReader): Promise<MessageHead | undefined> {
  const startLine = await reader.line(MAX_HEAD_BYTES);
  if (startLine === undefined) return undefined;
  const fields: Array<[string, string]> = [];
  let size = startLine.length;
  for (;;) {
    const line = await reader.line(MAX_HEAD_BYTES);
    if (line === undefined) throw new Http1Error("closed", "the connection closed inside the head");
    if (line === "") break;
    size += line.length + 2;
    if (size > MAX_HEAD_BYTES) throw new Http1Error("head-too-large", "the head is too large");
    const colon = line.indexOf(":");
    if (colon <= 0 || /^[ \t]/.test(line) || /[ \t]/.test(line.slice(0, colon))) {
      throw new Http1Error("malformed", `bad header line: ${JSON.stringify(line.slice(0, 100))}`);
    }
    fields.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { startLine, fields };
}

/**
 * The fields as `Headers` (repeated fields joined with `, `, as `Headers` does).
 *
 * @throws {Http1Error} `malformed` when a name or value is not valid in `Headers`
 */
export function headersOf(fields: ReadonlyArray<readonly [string, string]>): Headers {
  const headers = new Headers();
  for (const [name, value] of fields) {
    try {
      headers.append(name, value);
    } catch (error) {
      throw new Http1Error("malformed", `bad header ${JSON.stringify(name)}: ${String(error)}`);
    }
  }
  return headers;
}

/** How many fields named `name` (case-insensitive) the head has. */
export function countFields(head: MessageHead, name: string): number {
  const lower = name.toLowerCase();
  return head.fields.filter(([n]) => n.toLowerCase() === lower).length;
}

/**
 * The body length a `Content-Length` value gives (repeated identical values, `5, 5`, are one).
 *
 * @throws {Http1Error} `malformed` for anything else than one non-negative decimal
 */
export function contentLength(text: string): number {
  const values = new Set(text.split(",").map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) {
    throw new Http1Error("malformed", `bad content-length: ${JSON.stringify(text)}`);
  }
  return Number(only);
}

/** Whether the last transfer coding of a `Transfer-Encoding` value is `chunked`. */
export function isChunked(codings: string): boolean {
  return codings.split(",").at(-1)?.trim().toLowerCase() === "chunked";
}

/**
 * Reads a chunked body and its trailers (ignored).
 *
 * @throws {Http1Error} `malformed` chunk size or framing, `body-too-large` over `max` bytes,
 *   `closed` inside the body
 */
export async function readChunked(reader: ByteReader, max: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const sizeLine = await reader.line(MAX_HEAD_BYTES);
    if (sizeLine === undefined) {
      throw new Http1Error("closed", "the connection closed inside a chunked body");
    }
    const sizeText = sizeLine.split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) {
      throw new Http1Error(
        "malformed",
        `bad chunk size: ${JSON.stringify(sizeLine.slice(0, 100))}`,
      );
    }
    const size = parseInt(sizeText, 16);
    if (size === 0) break;
    total += size;
    if (total > max) throw new Http1Error("body-too-large", `body over ${max} bytes`);
    parts.push(await reader.bytes(size));
    if ((await reader.line(2)) !== "") {
      throw new Http1Error("malformed", "a chunk is not followed by CRLF");
    }
  }
  for (;;) {
    const trailer = await reader.line(MAX_HEAD_BYTES);
    if (trailer === undefined) {
      throw new Http1Error("closed", "the connection closed inside the chunked trailers");
    }
    if (trailer === "") break;
  }
  return concat(parts);
}

/** The bytes of `parts`, one after the other. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Writes every byte (a socket write may take only part of them). */
export async function writeAll(conn: Pick<Deno.Conn, "write">, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

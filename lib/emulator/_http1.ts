/**
 * Private: a small HTTP/1.1 server on `Deno.listen`, for the emulator.
 *
 * `Deno.serve` always answers once headers are due, so it cannot drop a connection without a
 * response. The emulator needs that ("connection cut" faults): when the handler rejects with a
 * `TypeError`, this server closes the TCP connection without writing anything, so the client
 * sees a network error, exactly as with a real network failure. It supports keep-alive,
 * `Content-Length` and chunked request bodies, and `Expect: 100-continue`.
 *
 * @module
 */

/** How long a cut connection stays open, silent, before it is closed. */
const CUT_LINGER_MS = 50;

/** A fetch-shaped handler. A rejection with `TypeError` cuts the connection. */
export type Http1Handler = (request: Request) => Promise<Response>;

/** A listening server. */
export interface Http1Server {
  hostname: string;
  port: number;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const CRLFCRLF = [13, 10, 13, 10];
const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Reads bytes from a connection with an internal buffer. */
class Reader {
  #buffer = new Uint8Array(0);
  #chunk = new Uint8Array(64 * 1024);
  constructor(private conn: Deno.Conn) {}

  /** More bytes into the buffer; false at end of stream. */
  async #fill(): Promise<boolean> {
    const n = await this.conn.read(this.#chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(this.#chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }

  /** Bytes up to and including `\r\n\r\n`; undefined when the stream ends before any byte. */
  async head(): Promise<Uint8Array | undefined> {
    let from = 0;
    while (true) {
      const index = indexOf(this.#buffer, CRLFCRLF, from);
      if (index >= 0) return this.#take(index + 4);
      from = Math.max(0, this.#buffer.length - 3);
      if (this.#buffer.length > MAX_HEAD_BYTES) throw new HttpError(431, "header too large");
      if (!(await this.#fill())) {
        if (this.#buffer.length === 0) return undefined;
        throw new HttpError(400, "connection closed inside the request head");
      }
    }
  }

  /** Exactly `n` bytes. */
  async bytes(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      if (!(await this.#fill())) throw new HttpError(400, "connection closed inside the body");
    }
    return this.#take(n);
  }

  /** One line without its `\r\n`. */
  async line(): Promise<string> {
    while (true) {
      const index = indexOf(this.#buffer, [13, 10], 0);
      if (index >= 0) {
        const line = latin1.decode(this.#buffer.subarray(0, index));
        this.#take(index + 2);
        return line;
      }
      if (this.#buffer.length > MAX_HEAD_BYTES) throw new HttpError(400, "line too long");
      if (!(await this.#fill())) throw new HttpError(400, "connection closed inside a chunk");
    }
  }

  #take(n: number): Uint8Array {
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }
}

function indexOf(haystack: Uint8Array, needle: number[], from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

async function readChunked(reader: Reader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const sizeLine = (await reader.line()).split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]+$/.test(sizeLine)) throw new HttpError(400, "bad chunk size");
    const size = parseInt(sizeLine, 16);
    if (size === 0) {
      while ((await reader.line()) !== "") { /* trailers */ }
      break;
    }
    total += size;
    if (total > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
    parts.push(await reader.bytes(size));
    await reader.line();
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return body;
}

async function serveConnection(
  conn: Deno.Conn,
  handler: Http1Handler,
  localHost: string,
): Promise<void> {
  const reader = new Reader(conn);
  while (true) {
    let keepAlive = true;
    let request: Request;
    try {
      const head = await reader.head();
      if (head === undefined) return;
      const lines = latin1.decode(head.subarray(0, head.length - 4)).split("\r\n");
      const [method, target, protocol] = (lines[0] ?? "").split(" ");
      if (method === undefined || target === undefined || !protocol?.startsWith("HTTP/1.")) {
        throw new HttpError(400, "bad request line");
      }
      const headers = new Headers();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon <= 0) throw new HttpError(400, "bad header line");
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const connection = (headers.get("connection") ?? "").toLowerCase();
      keepAlive = protocol === "HTTP/1.1" ? connection !== "close" : connection === "keep-alive";
      if ((headers.get("expect") ?? "").toLowerCase() === "100-continue") {
        await writeAll(conn, encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
      }
      let body: Uint8Array | undefined;
      if ((headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
        body = await readChunked(reader);
      } else {
        const lengthText = headers.get("content-length");
        const length = lengthText === null ? 0 : Number(lengthText);
        if (!Number.isInteger(length) || length < 0) throw new HttpError(400, "bad content-length");
        if (length > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
        if (length > 0) body = await reader.bytes(length);
      }
      const host = headers.get("host") ?? localHost;
      const url = target.startsWith("http://") ? target : `http://${host}${target}`;
      const hasBody = method !== "GET" && method !== "HEAD";
      request = new Request(url, {
        method,
        headers,
        body: hasBody ? (body ?? new Uint8Array(0)) as BodyInit : null,
      });
    } catch (error) {
      if (error instanceof HttpError) {
        await writeAll(
          conn,
          encoder.encode(
            `HTTP/1.1 ${error.status} Bad Request\r\ncontent-type: text/plain\r\n` +
              `content-length: ${
                error.message.length + 1
              }\r\nconnection: close\r\n\r\n${error.message}\n`,
          ),
        ).catch(() => {});
      }
      return;
    }
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      if (error instanceof TypeError) {
        // A connection cut: close without a word. Linger a moment first, as a server that dies
        // after applying a request would: closing the instant the body is read races the
        // client's own bookkeeping (hyper re-sends a request it has not yet marked as sent).
        await new Promise((resolve) => setTimeout(resolve, CUT_LINGER_MS));
        return;
      }
      const text = "internal server error\n";
      response = new Response(text, { status: 500, headers: { "content-type": "text/plain" } });
    }
    const payload = new Uint8Array(await response.arrayBuffer());
    let head = `HTTP/1.1 ${response.status} ${response.statusText || reason(response.status)}\r\n`;
    response.headers.forEach((value, name) => {
      if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") {
        head += `${name}: ${value}\r\n`;
      }
    });
    if (!response.headers.has("date")) head += `date: ${new Date().toUTCString()}\r\n`;
    head += `content-length: ${payload.length}\r\nconnection: ${
      keepAlive ? "keep-alive" : "close"
    }\r\n\r\n`;
    const headBytes = encoder.encode(head);
    const out = new Uint8Array(headBytes.length + payload.length);
    out.set(headBytes);
    out.set(payload, headBytes.length);
    await writeAll(conn, out);
    if (!keepAlive) return;
  }
}

function reason(status: number): string {
  return ({
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    500: "Internal Server Error",
  } as Record<number, string>)[status] ?? (status >= 500 ? "Server Error" : "Status");
}

/** Listens on `hostname:port` (0 picks a free port) and serves `handler`. */
export function serveHttp1(
  options: { hostname: string; port: number },
  handler: Http1Handler,
): Http1Server {
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
    transport: "tcp",
  });
  const addr = listener.addr as Deno.NetAddr;
  const conns = new Set<Deno.Conn>();
  const localHost = `${addr.hostname}:${addr.port}`;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        serveConnection(conn, handler, localHost)
          .catch(() => {})
          .finally(() => {
            conns.delete(conn);
            try {
              conn.close();
            } catch { /* already closed */ }
          });
      }
    } catch { /* listener closed */ }
  })();
  return {
    hostname: addr.hostname,
    port: addr.port,
    async close() {
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
      conns.clear();
      await accepting;
    },
  };
}

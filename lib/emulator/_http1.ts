/**
 * Private: a small HTTP/1.1 server on `Deno.listen`, for the emulator, on the codec it shares
 * with tcflow's send-once client (`../http1/codec.ts`).
 *
 * `Deno.serve` always answers once headers are due, so it cannot drop a connection without a
 * response. The emulator needs that ("connection cut" faults): when the handler rejects with a
 * `TypeError`, this server closes the TCP connection without writing anything, so the client
 * sees a network error, exactly as with a real network failure. It supports keep-alive,
 * `Content-Length` and chunked request bodies, and `Expect: 100-continue`. A malformed request
 * (a duplicated or bad `Host` too) is answered 400 (413, 431 when too large) and the connection
 * closed; a connection on which no byte arrives for the idle timeout (between requests, or in
 * the middle of one) is closed, so half-open sockets are not held forever.
 *
 * @module
 */
import {
  ByteReader,
  concat,
  contentLength,
  countFields,
  headersOf,
  Http1Error,
  isChunked,
  readChunked,
  readHead,
  writeAll,
} from "../http1/codec.ts";

/** How long a cut connection stays open, silent, before it is closed. */
const CUT_LINGER_MS = 50;

/** How long a connection may wait for the next byte of a request, by default. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** When a request arrived: its head was read (the server's clock, ms). */
export interface Http1RequestInfo {
  arrivedMs: number;
}

/**
 * A fetch-shaped handler, told when the request arrived. A rejection with `TypeError` cuts the
 * connection.
 */
export type Http1Handler = (request: Request, info: Http1RequestInfo) => Promise<Response>;

/** A listening server. */
export interface Http1Server {
  hostname: string;
  port: number;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/** Options of {@link serveHttp1}. */
export interface Http1ServerOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** Closes a connection that sends no byte for this long; default 30 s. */
  idleTimeoutMs?: number | undefined;
  /** The clock of {@link Http1RequestInfo.arrivedMs}; default `Date.now`. */
  now?: (() => number) | undefined;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const encoder = new TextEncoder();

/** A request that is answered with an error status, then the connection closed. */
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const STATUS_OF: Record<string, number> = {
  "head-too-large": 431,
  "body-too-large": 413,
  "malformed": 400,
};

/** Reads one request; undefined when the client closed the connection between requests. */
async function readRequest(
  reader: ByteReader,
  conn: Deno.Conn,
  localHost: string,
  now: () => number,
): Promise<{ request: Request; keepAlive: boolean; arrivedMs: number } | undefined> {
  const head = await readHead(reader);
  if (head === undefined) return undefined;
  // The request has arrived once its head is read: before its body is read and before the
  // handler's work on other requests that arrived with it.
  const arrivedMs = now();
  const [method, target, protocol, extra] = head.startLine.split(" ");
  if (
    method === undefined || target === undefined || extra !== undefined ||
    !/^HTTP\/1\.[01]$/.test(protocol ?? "")
  ) {
    throw new HttpError(400, "bad request line");
  }
  if (countFields(head, "host") > 1) throw new HttpError(400, "more than one Host header");
  const headers = headersOf(head.fields);
  const connection = (headers.get("connection") ?? "").toLowerCase();
  const keepAlive = protocol === "HTTP/1.1" ? connection !== "close" : connection === "keep-alive";
  if ((headers.get("expect") ?? "").toLowerCase() === "100-continue") {
    await writeAll(conn, encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
  }
  let body: Uint8Array | undefined;
  const codings = headers.get("transfer-encoding");
  const lengthText = headers.get("content-length");
  if (codings !== null) {
    if (!isChunked(codings)) throw new HttpError(400, "unsupported transfer-encoding");
    body = await readChunked(reader, MAX_BODY_BYTES);
  } else if (lengthText !== null) {
    const length = contentLength(lengthText);
    if (length > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
    if (length > 0) body = await reader.bytes(length);
  }
  const host = headers.get("host") ?? localHost;
  let url: URL;
  try {
    url = new URL(target.startsWith("http://") ? target : `http://${host}${target}`);
  } catch {
    throw new HttpError(400, "bad Host header or request target");
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(url, {
    method,
    headers,
    body: hasBody ? (body ?? new Uint8Array(0)) as BodyInit : null,
  });
  return { request, keepAlive, arrivedMs };
}

async function serveConnection(
  conn: Deno.Conn,
  handler: Http1Handler,
  localHost: string,
  idleTimeoutMs: number,
  now: () => number,
): Promise<void> {
  const reader = new ByteReader(conn, {
    idleTimeoutMs,
    onIdle: () => {
      try {
        conn.close();
      } catch { /* already closed */ }
    },
  });
  while (true) {
    let read: Awaited<ReturnType<typeof readRequest>>;
    try {
      read = await readRequest(reader, conn, localHost, now);
      if (read === undefined) return;
    } catch (error) {
      const status = error instanceof HttpError
        ? error.status
        : error instanceof Http1Error
        ? STATUS_OF[error.kind]
        : error instanceof TypeError // a method or header `Request` refuses
        ? 400
        : undefined;
      if (status !== undefined) {
        const text = `${(error as Error).message}\n`;
        await writeAll(
          conn,
          encoder.encode(
            `HTTP/1.1 ${status} ${reason(status)}\r\ncontent-type: text/plain\r\n` +
              `content-length: ${encoder.encode(text).length}\r\nconnection: close\r\n\r\n${text}`,
          ),
        ).catch(() => {});
      }
      return;
    }
    const { request, keepAlive, arrivedMs } = read;
    let response: Response;
    try {
      response = await handler(request, { arrivedMs });
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
    await writeAll(conn, concat([encoder.encode(head), payload]));
    if (!keepAlive) return;
  }
}

function reason(status: number): string {
  return ({
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
  } as Record<number, string>)[status] ?? (status >= 500 ? "Server Error" : "Status");
}

/** Listens on `hostname:port` (0 picks a free port) and serves `handler`. */
export function serveHttp1(options: Http1ServerOptions, handler: Http1Handler): Http1Server {
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
    transport: "tcp",
  });
  const addr = listener.addr as Deno.NetAddr;
  const conns = new Set<Deno.Conn>();
  const localHost = `${addr.hostname}:${addr.port}`;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const now = options.now ?? (() => Date.now());
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        serveConnection(conn, handler, localHost, idleTimeoutMs, now)
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

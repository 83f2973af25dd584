/**
 * A minimal HTTP/1.1 client that sends a request at most once, for calls that are not
 * idempotent. It frames messages with the codec it shares with the emulator's server
 * (`../http1/codec.ts`).
 *
 * Deno's `fetch` (hyper) re-sends a request by itself when the connection closes before the
 * answer, even a POST that the server has read and applied, so a create may happen twice. This
 * client never re-sends: one fresh connection per request (`Deno.connect`, or `Deno.connectTls`
 * for `https:` with SNI = the URL's host and Deno's root store, as `fetch` uses), the request
 * written once with `Connection: close`, the exact body bytes and `Content-Length`; the answer
 * read whole (`Content-Length`, chunked transfer encoding, or until the server closes) and
 * returned as a `Response`; interim `1xx` answers (e.g. `100 Continue`) are skipped.
 *
 * Failures are {@link NetworkError}s that say whether the request may have been applied:
 * `before-send` (could not connect, TLS handshake failed: nothing was written), `after-send`
 * (anything that breaks once the first byte was handed to the socket, including a malformed
 * answer), `timeout` (the timeout or the signal fired; the message says whether bytes had been
 * written).
 *
 * Out of scope: proxies (`HTTPS_PROXY` … are ignored), HTTP/2, connection reuse, header
 * folding, compressed answers (`Accept-Encoding` is not sent).
 *
 * @module
 */
import {
  ByteReader,
  contentLength,
  headersOf,
  Http1Error,
  isChunked,
  readChunked,
  readHead,
  writeAll,
} from "../http1/codec.ts";
import { type CallSite, NetworkError, type NetworkPhase } from "./errors.ts";
import type { SendOnceFn } from "../protocol/provider.ts";

/** Options of {@link http1Fetch}. */
export interface Http1FetchOptions {
  /**
   * Aborts the exchange (a `timeout` NetworkError whose `cause` is the signal's reason), as
   * the request's own signal does.
   */
  signal?: AbortSignal | undefined;
  /** Gives up after this long (a `timeout` NetworkError); default: no timeout of its own. */
  timeoutMs?: number | undefined;
  /** Names the call in errors; default: the URL's host and the method and path. */
  site?: CallSite | undefined;
  /** Extra PEM root certificates for `https:` (besides Deno's root store). */
  caCerts?: string[] | undefined;
  /** Largest answer body accepted, in bytes; default 64 MiB. */
  maxBodyBytes?: number | undefined;
}

/** A transport that sends a request at most once ({@link http1Fetch} is one). */
export type { SendOnceFn };

/** How a URL is reached: plain TCP or TLS, to which host and port. */
export interface Http1Transport {
  kind: "tcp" | "tls";
  /** Host name or IP address to connect to (IPv6 without brackets); also the TLS SNI name. */
  hostname: string;
  port: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
const encoder = new TextEncoder();
/** Request headers this client sets itself. */
const OWN_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "expect",
]);

/**
 * How `url` is reached: `https:` over TLS (default port 443), `http:` over TCP (default 80).
 *
 * @throws {TypeError} any other scheme
 */
export function transportFor(url: URL): Http1Transport {
  const hostname = url.hostname.startsWith("[") && url.hostname.endsWith("]")
    ? url.hostname.slice(1, -1)
    : url.hostname;
  if (url.protocol === "https:") {
    return { kind: "tls", hostname, port: url.port === "" ? 443 : Number(url.port) };
  }
  if (url.protocol === "http:") {
    return { kind: "tcp", hostname, port: url.port === "" ? 80 : Number(url.port) };
  }
  throw new TypeError(`unsupported URL scheme ${url.protocol} (only http: and https:)`);
}

/**
 * The bytes of the request head: request line, `Host`, the request's own headers (except the
 * ones this client owns; `Accept` and `User-Agent` as `fetch` would when absent),
 * `Content-Length` and `Connection: close`.
 */
export function requestHead(request: Request, bodyLength: number): Uint8Array {
  const url = new URL(request.url);
  let head = `${request.method} ${url.pathname || "/"}${url.search} HTTP/1.1\r\n`;
  head += `host: ${url.host}\r\n`;
  request.headers.forEach((value, name) => {
    if (!OWN_HEADERS.has(name)) head += `${name}: ${value}\r\n`;
  });
  // What Deno's fetch sends by default, so both transports look alike to a server.
  if (!request.headers.has("accept")) head += "accept: */*\r\n";
  if (!request.headers.has("user-agent")) head += `user-agent: Deno/${Deno.version.deno}\r\n`;
  const bodyless = bodyLength === 0 && (request.method === "GET" || request.method === "HEAD");
  if (!bodyless) head += `content-length: ${bodyLength}\r\n`;
  head += "connection: close\r\n\r\n";
  return encoder.encode(head);
}

/** Why the exchange stopped early (timeout or abort). */
class Stopped extends Error {
  constructor(readonly reason: unknown, message: string) {
    super(message);
  }
}

/** A failure of the exchange, with its phase decided where it happened. */
class Failure extends Error {
  constructor(readonly phase: NetworkPhase, message: string, readonly original?: unknown) {
    super(message);
  }
}

/**
 * Sends `request` once over a fresh connection and reads the whole answer.
 *
 * @example
 * ```ts
 * import { http1Fetch } from "./http1.ts";
 *
 * // A local server stands in for https://trocket.tencentcloudapi.com/ here.
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => new Response("{}"));
 * const response = await http1Fetch(
 *   new Request(`http://127.0.0.1:${server.addr.port}/`, { method: "POST", body: "{}" }),
 *   { timeoutMs: 30_000 },
 * );
 * console.log(response.status, await response.text()); // 200 "{}"
 * await server.shutdown();
 * ```
 *
 * @throws {NetworkError} `before-send`, `after-send` or `timeout` (never re-sent)
 */
export async function http1Fetch(
  request: Request,
  opts: Http1FetchOptions = {},
): Promise<Response> {
  const url = new URL(request.url);
  const site = opts.site ?? { service: url.host, action: `${request.method} ${url.pathname}` };
  const state: { conn?: Deno.Conn; sent: boolean; closed: boolean } = {
    sent: false,
    closed: false,
  };
  const closeConn = () => {
    if (state.closed || state.conn === undefined) return;
    state.closed = true;
    try {
      state.conn.close();
    } catch { /* already closed */ }
  };

  const stopper = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (opts.timeoutMs !== undefined) {
    const timeoutMs = opts.timeoutMs;
    timer = setTimeout(
      () => stopper.abort(new Stopped(undefined, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  }
  // The request's own signal counts too, as with fetch.
  const signal = opts.signal === undefined
    ? request.signal
    : AbortSignal.any([opts.signal, request.signal]);
  const onAbort = () =>
    stopper.abort(new Stopped(signal.reason, `aborted: ${describe(signal.reason)}`));
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  let rejectStopped: (error: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  const onStop = () => {
    rejectStopped(stopper.signal.reason);
    closeConn();
  };
  stopper.signal.addEventListener("abort", onStop, { once: true });
  if (stopper.signal.aborted) onStop();

  try {
    return await Promise.race([exchange(request, url, opts, state, stopper.signal), stopped]);
  } catch (error) {
    throw toNetworkError(error, site, state.sent);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    stopper.signal.removeEventListener("abort", onStop);
    closeConn();
  }
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function toNetworkError(error: unknown, site: CallSite, sent: boolean): NetworkError {
  const where = `${site.service} ${site.action}`;
  if (error instanceof Stopped) {
    return new NetworkError({
      ...site,
      phase: "timeout",
      message: `${where}: ${error.message} (${sent ? "the request was sent" : "nothing was sent"})`,
      cause: error.reason,
    });
  }
  if (error instanceof Failure) {
    return new NetworkError({
      ...site,
      phase: error.phase,
      message: `${where}: ${error.message}`,
      cause: error.original,
    });
  }
  const phase = sent ? "after-send" : "before-send";
  return new NetworkError({
    ...site,
    phase,
    message: `${where}: ${sent ? "the connection broke" : "could not connect"}: ${describe(error)}`,
    cause: error,
  });
}

async function exchange(
  request: Request,
  url: URL,
  opts: Http1FetchOptions,
  state: { conn?: Deno.Conn; sent: boolean; closed: boolean },
  stop: AbortSignal,
): Promise<Response> {
  let transport: Http1Transport;
  let body: Uint8Array;
  try {
    transport = transportFor(url);
    body = new Uint8Array(await request.arrayBuffer());
  } catch (error) {
    throw new Failure("before-send", `cannot send the request: ${describe(error)}`, error);
  }
  const head = requestHead(request, body.length);
  let conn: Deno.Conn;
  try {
    if (transport.kind === "tls") {
      const tls = await Deno.connectTls({
        hostname: transport.hostname,
        port: transport.port,
        ...(opts.caCerts !== undefined ? { caCerts: opts.caCerts } : {}),
      });
      if (stop.aborted) {
        tls.close();
        throw stop.reason;
      }
      state.conn = tls;
      await tls.handshake();
      conn = tls;
    } else {
      conn = await Deno.connect({
        hostname: transport.hostname,
        port: transport.port,
        signal: stop,
      });
      if (stop.aborted) {
        conn.close();
        throw stop.reason;
      }
      state.conn = conn;
    }
  } catch (error) {
    if (error instanceof Stopped) throw error;
    throw new Failure("before-send", `could not connect: ${describe(error)}`, error);
  }

  // From here on the request may reach the server: every failure is after-send.
  state.sent = true;
  try {
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    await writeAll(conn, out);
    return await readResponse(
      new ByteReader(conn),
      request.method,
      opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    );
  } catch (error) {
    if (error instanceof Stopped || error instanceof Failure) throw error;
    if (error instanceof Http1Error) {
      const what = error.kind === "closed" ? "the answer broke off" : "bad answer";
      throw new Failure("after-send", `${what}: ${error.message}`, error);
    }
    throw new Failure("after-send", `the connection broke: ${describe(error)}`, error);
  }
}

interface Head {
  status: number;
  statusText: string;
  headers: Headers;
}

/** The status line and headers of an answer. */
async function readStatusHead(reader: ByteReader): Promise<Head> {
  const head = await readHead(reader);
  if (head === undefined) {
    throw new Failure("after-send", "the server closed the connection without answering");
  }
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(head.startLine);
  if (match === null) {
    throw new Failure(
      "after-send",
      `not an HTTP/1.x status line: ${JSON.stringify(head.startLine.slice(0, 100))}`,
    );
  }
  return { status: Number(match[1]), statusText: match[2] ?? "", headers: headersOf(head.fields) };
}

/** Reads the final answer (skipping 1xx) and its body, framed per RFC 9112 section 6.3. */
async function readResponse(reader: ByteReader, method: string, max: number): Promise<Response> {
  let head: Head;
  for (;;) {
    head = await readStatusHead(reader);
    if (head.status === 101) {
      throw new Failure("after-send", "the server switched protocols (101)");
    }
    if (head.status >= 200) break;
  }
  if (head.status > 599) throw new Failure("after-send", `bad HTTP status ${head.status}`);
  const nullBody = method === "HEAD" || head.status === 204 || head.status === 205 ||
    head.status === 304;
  let body: Uint8Array | null = null;
  if (!nullBody) {
    const codings = head.headers.get("transfer-encoding");
    const lengthText = head.headers.get("content-length");
    if (codings !== null) {
      body = isChunked(codings) ? await readChunked(reader, max) : await reader.rest(max);
    } else if (lengthText !== null) {
      const length = contentLength(lengthText);
      if (length > max) throw new Failure("after-send", `response body over ${max} bytes`);
      body = await reader.bytes(length);
    } else {
      body = await reader.rest(max);
    }
  }
  return new Response(body as Uint8Array<ArrayBuffer> | null, {
    status: head.status,
    statusText: head.statusText,
    headers: head.headers,
  });
}

/**
 * The emulator as an HTTP server (`tcflow emulator`).
 *
 * @example
 * ```ts
 * import { serveEmulator } from "./server.ts";
 * const server = await serveEmulator({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:PORT
 * await server.close();
 * ```
 *
 * @module
 */
import { checkAdminRequest, isAdminPath } from "./_admin_guard.ts";
import { serveHttp1 } from "./_http1.ts";
import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.ts";

/**
 * A running emulator server.
 *
 * @example
 * ```ts
 * import { type EmulatorServer, serveEmulator } from "./server.ts";
 * const server: EmulatorServer = await serveEmulator({ port: 0 });
 * console.log(server.url.startsWith("http://127.0.0.1:")); // true
 * await server.close();
 * ```
 */
export interface EmulatorServer {
  /** `http://HOST:PORT`. */
  url: string;
  /** The port listened on (the one picked for port 0). */
  port: number;
  /** The emulator behind the server (state, call log, faults). */
  emulator: Emulator;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Options of {@link serveEmulator}: the emulator's, and where and how to serve it. */
export interface EmulatorServerOptions extends EmulatorOptions {
  /** Default 4566; 0 picks a free port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  hostname?: string;
  /** Aborting it closes the server. */
  signal?: AbortSignal;
  /** When set, the admin routes require `Authorization: Bearer <adminToken>`. */
  adminToken?: string | undefined;
  /** Closes a connection on which no byte arrives for this long; default 30 s. */
  idleTimeoutMs?: number | undefined;
}

/**
 * Serves a new emulator on `hostname` (default 127.0.0.1) and `port` (default 4566; 0 picks a
 * free port). A connection-cut fault closes the TCP connection without a response. Aborting
 * `signal` closes the server. The admin routes (`/_emulator/…`) answer only requests whose
 * `Host` is the listening address and that carry `Content-Type: application/json` (and the
 * bearer `adminToken` when one is set); a connection idle for `idleTimeoutMs` is closed.
 *
 * @example
 * ```ts
 * import { serveEmulator } from "./server.ts";
 * import { createClient } from "../client/client.ts";
 * import { DEMO_CREDENTIAL } from "./emulator.ts";
 *
 * const server = await serveEmulator({ port: 0 });
 * const client = createClient({
 *   region: "ap-guangzhou",
 *   endpointUrl: server.url,
 *   credential: { ...DEMO_CREDENTIAL },
 * });
 * const { TotalCount } = await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" });
 * console.log(TotalCount); // 3n
 * await server.close();
 * ```
 */
export function serveEmulator(opts: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const { port = 4566, hostname = "127.0.0.1", signal, adminToken, idleTimeoutMs, ...options } =
    opts;
  const emulator = createEmulator(options);
  let guard = { hostname, port, adminToken };
  // A call is logged (and rate-limited) at its arrival, its head read by the server: not
  // after the emulator's work on other calls that arrived with it.
  const server = serveHttp1(
    { hostname, port, idleTimeoutMs, now: options.now },
    (request, info) => {
      if (isAdminPath(new URL(request.url).pathname)) {
        const refused = checkAdminRequest(request, guard);
        if (refused !== undefined) return Promise.resolve(refused);
      }
      return emulator.handle(request, info);
    },
  );
  guard = { ...guard, port: server.port };
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= server.close());
  if (signal?.aborted) void close();
  else signal?.addEventListener("abort", () => void close(), { once: true });
  return Promise.resolve({
    url: `http://${host}:${server.port}`,
    port: server.port,
    emulator,
    close,
  });
}

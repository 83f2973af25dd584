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

/**
 * Serves a new emulator on `hostname` (default 127.0.0.1) and `port` (default 4566; 0 picks a
 * free port). A connection-cut fault closes the TCP connection without a response. Aborting
 * `signal` closes the server.
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
export function serveEmulator(
  opts: EmulatorOptions & { port?: number; hostname?: string; signal?: AbortSignal } = {},
): Promise<EmulatorServer> {
  const { port = 4566, hostname = "127.0.0.1", signal, ...options } = opts;
  const emulator = createEmulator(options);
  const server = serveHttp1({ hostname, port }, (request) => emulator.handle(request));
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

/**
 * Waiting until Deno's Jupyter kernel has published what a cell displayed.
 *
 * Deno's kernel (2.9.5) sends everything a cell shows (`Deno.jupyter.display`, `console.log`,
 * and the cell's own value, the `execute_result`) from the cell's thread through a queue that
 * another task publishes on IOPub, while the kernel's main task sends the cell's `idle` status
 * directly. The two race: an output published after `idle` is dropped by nbclient
 * (`jupyter nbconvert --execute`) and by frontends, which stop listening to a cell at its
 * `idle` (measured: 8 of 110 cell results in 10 executions of a generated notebook; see
 * `docs/issue16-audit.md`).
 *
 * {@link flushIopub} closes the race from inside the cell: it subscribes to the kernel's own
 * IOPub socket (ZMTP 3.0 over TCP, the address from the kernel's connection file), broadcasts
 * a marker through the same queue (a `status: busy` message, harmless to every client) and
 * returns once the marker comes back. The queue is published in order, so everything the cell
 * displayed before has then been written to every subscriber, before the cell can end.
 *
 * @module
 */

/** The part of `Deno.jupyter` (only inside `deno jupyter`) that tcflow uses. */
export interface DenoJupyter {
  /** Shows a MIME bundle (`raw: true`) as `display_data`. */
  display(value: unknown, options: { raw: boolean }): Promise<void>;
  /** Sends a message on IOPub under the running cell's header. */
  broadcast(
    type: string,
    content: Record<string, unknown>,
    extra?: { metadata?: Record<string, unknown> },
  ): unknown;
}

/** `Deno.jupyter` inside Deno's Jupyter kernel; `undefined` elsewhere (its getter throws). */
export function denoJupyter(): DenoJupyter | undefined {
  try {
    return (Deno as unknown as { jupyter?: DenoJupyter }).jupyter;
  } catch {
    return undefined;
  }
}

/** Where a kernel publishes IOPub. */
export interface IopubAddress {
  /** The kernel's IP (loopback). */
  hostname: string;
  /** The IOPub port. */
  port: number;
}

/**
 * The IOPub address of the kernel this process runs: `deno jupyter --kernel --conn <file>`
 * names its connection file on the command line. `undefined` when it cannot be found (not
 * Linux, not a kernel, not TCP).
 */
export async function kernelIopubAddress(
  cmdline = "/proc/self/cmdline",
): Promise<IopubAddress | undefined> {
  try {
    const argv = (await Deno.readTextFile(cmdline)).split("\0");
    const file = argv[argv.indexOf("--conn") + 1];
    if (!argv.includes("--conn") || file === undefined) return undefined;
    const info = JSON.parse(await Deno.readTextFile(file)) as {
      transport?: string;
      ip?: string;
      iopub_port?: number;
    };
    if ((info.transport ?? "tcp") !== "tcp" || typeof info.iopub_port !== "number") {
      return undefined;
    }
    return { hostname: info.ip ?? "127.0.0.1", port: info.iopub_port };
  } catch {
    return undefined;
  }
}

/** Options of {@link flushIopub}. */
export interface FlushOptions {
  /** The kernel's IOPub address (default: from its connection file). */
  address?: IopubAddress;
  /** Give up after this many milliseconds (default 10 000); the cell then just ends. */
  timeoutMs?: number;
}

/**
 * Returns once everything this cell sent to IOPub so far has been published to every
 * subscriber; `false` when that could not be confirmed (no kernel, no address, timeout).
 */
export async function flushIopub(
  jupyter: DenoJupyter,
  options: FlushOptions = {},
): Promise<boolean> {
  const address = options.address ?? await kernelIopubAddress();
  if (address === undefined) return false;
  const token = `tcflow-flush-${crypto.randomUUID()}`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let conn: Deno.TcpConn | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    conn = await Deno.connect({ hostname: address.hostname, port: address.port });
    const reader = new FrameReader(conn);
    await writeAll(conn, greeting());
    await reader.exact(64);
    await writeAll(conn, command("READY", "Socket-Type", "SUB"));
    await reader.frame(); // the kernel's READY
    await writeAll(conn, frame(Uint8Array.of(1), false)); // subscribe to every topic
    const marker = ENC.encode(token);
    const seen = (async () => {
      while (true) {
        const parts = await reader.message();
        if (parts.some((part) => contains(part, marker))) return true;
      }
    })().catch(() => false);
    // The kernel adds a subscriber only once it has read its subscription: until then a
    // marker is not sent to us, so send one again until one comes back.
    while (Date.now() < deadline) {
      jupyter.broadcast("status", { execution_state: "busy" }, {
        metadata: { "tcflow.flush": token },
      });
      const wait = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 25));
      const found = await Promise.race([seen, wait]);
      clearTimeout(timer);
      if (found) return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // already closed
    }
  }
}

const ENC = new TextEncoder();

/** The 64-octet ZMTP 3.0 greeting: NULL mechanism, as-server 0. */
function greeting(): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes[0] = 0xff;
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes.set(ENC.encode("NULL"), 12);
  return bytes;
}

/** A ZMTP command frame with one property. */
function command(name: string, property: string, value: string): Uint8Array {
  const n = ENC.encode(name);
  const p = ENC.encode(property);
  const v = ENC.encode(value);
  const body = new Uint8Array(1 + n.length + 1 + p.length + 4 + v.length);
  let at = 0;
  body[at++] = n.length;
  body.set(n, at);
  at += n.length;
  body[at++] = p.length;
  body.set(p, at);
  at += p.length;
  new DataView(body.buffer).setUint32(at, v.length);
  body.set(v, at + 4);
  return frame(body, false, true);
}

function frame(body: Uint8Array, more: boolean, isCommand = false): Uint8Array {
  const long = body.length > 255;
  const flags = (more ? 1 : 0) | (long ? 2 : 0) | (isCommand ? 4 : 0);
  const head = long ? 9 : 2;
  const bytes = new Uint8Array(head + body.length);
  bytes[0] = flags;
  if (long) new DataView(bytes.buffer).setBigUint64(1, BigInt(body.length));
  else bytes[1] = body.length;
  bytes.set(body, head);
  return bytes;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Reads ZMTP frames from a connection. */
class FrameReader {
  #buffer = new Uint8Array(0);
  constructor(private readonly conn: Deno.Conn) {}

  async exact(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      const chunk = new Uint8Array(Math.max(65536, n - this.#buffer.length));
      const read = await this.conn.read(chunk);
      if (read === null) throw new Error("IOPub connection closed");
      const joined = new Uint8Array(this.#buffer.length + read);
      joined.set(this.#buffer);
      joined.set(chunk.subarray(0, read), this.#buffer.length);
      this.#buffer = joined;
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }

  async frame(): Promise<{ body: Uint8Array; more: boolean; isCommand: boolean }> {
    const flags = (await this.exact(1))[0]!;
    const size = flags & 2
      ? Number(new DataView((await this.exact(8)).buffer).getBigUint64(0))
      : (await this.exact(1))[0]!;
    return { body: await this.exact(size), more: (flags & 1) !== 0, isCommand: (flags & 4) !== 0 };
  }

  /** The frames of the next message (commands are skipped). */
  async message(): Promise<Uint8Array[]> {
    const parts: Uint8Array[] = [];
    while (true) {
      const { body, more, isCommand } = await this.frame();
      if (isCommand) continue;
      parts.push(body);
      if (!more) return parts;
    }
  }
}

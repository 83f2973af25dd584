/**
 * The web notebook (`tcflow notebook <workflow> --web`): a page served on 127.0.0.1 only, over
 * the same {@link NotebookSession} (and so the same journal) as the terminal notebook.
 *
 * Access is as in Jupyter: a random token (64 hex characters, new each start) in the URL; every
 * request without it (query `token=`, or the header `Authorization: token …` that the page's
 * commands send) is answered 403, and so is a request whose `Host` is not this server's
 * loopback address (DNS rebinding) or a command whose `Origin` is another site. No CORS
 * headers are sent; commands need a JSON body and the header, which a cross-site form cannot
 * send. The page is self-contained (inline CSS and script, under a strict Content-Security-
 * Policy; no external resource).
 *
 * Routes: `GET /` the page; `GET /api/state` the state as JSON; `GET /api/events` server-sent
 * events (`state` on every change, `progress` lines while cells run); `POST /api/<command>`
 * with `run` (`{cell?}`), `run-all`, `retry`, `skip` (`{cell}`), `set` (`{name, value}`),
 * `rollback` (`{cell?}`), `interrupt`; `GET /report` the run's HTML report.
 *
 * @module
 */
import { secretValues } from "../workflow/inputs.ts";
import { SecretSet } from "../secrets.ts";
import type { CellRun, NotebookSession } from "./session.ts";
import { NotebookError } from "./session.ts";
import { webPage } from "./web_page.ts";
import { webState } from "./web_view.ts";

/** Options of {@link WebNotebook.serve}. */
export interface WebNotebookOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Values never shown besides the session's secret inputs (credentials). */
  secrets?: string[];
}

/** What a command answered: a line for the page, and whether it went wrong. */
interface Answer {
  ok: boolean;
  message: string;
  code?: string;
}

const encoder = new TextEncoder();

/** A running web notebook server. */
export class WebNotebook {
  /** The session it serves. */
  readonly session: NotebookSession;
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** The access token. */
  readonly token: string;
  readonly #server: Deno.HttpServer;
  readonly #secrets: string[];
  readonly #streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #busy: string | null = null;
  #pending: Promise<unknown> = Promise.resolve();
  #stopped = false;

  private constructor(
    session: NotebookSession,
    server: Deno.HttpServer,
    port: number,
    token: string,
    secrets: string[],
  ) {
    this.session = session;
    this.#server = server;
    this.port = port;
    this.token = token;
    this.#secrets = secrets;
  }

  /**
   * Serves `session` on 127.0.0.1 (`port` 0 picks a free one).
   *
   * @throws {Deno.errors.AddrInUse} the port is taken
   */
  static serve(session: NotebookSession, options: WebNotebookOptions = {}): Promise<WebNotebook> {
    const token = randomToken();
    let web: WebNotebook | undefined;
    return new Promise((resolve, reject) => {
      try {
        const server = Deno.serve(
          {
            hostname: "127.0.0.1",
            port: options.port ?? 0,
            onListen: () => {},
            onError: () => new Response("internal error", { status: 500 }),
          },
          (request) =>
            web === undefined ? new Response("starting", { status: 503 }) : web.#handle(request),
        );
        const addr = server.addr as Deno.NetAddr;
        web = new WebNotebook(session, server, addr.port, token, options.secrets ?? []);
        resolve(web);
      } catch (error) {
        reject(error);
      }
    });
  }

  /** The URL to open, token included. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  /** Tells the open pages that the session changed (call it on every session event). */
  changed(): void {
    if (this.#streams.size === 0) return;
    this.#broadcast("state", this.#state());
  }

  /** Sends a progress line (already formatted, e.g. by the CLI's progress sink) to the pages. */
  progress(text: string): void {
    for (const line of text.split("\n")) {
      if (line.trim() !== "") this.#broadcast("progress", this.#redact(line, "message"));
    }
  }

  /**
   * Stops serving: interrupts the running cell (it ends interrupted, `retry` runs it again),
   * waits for it, closes the pages' event streams and the server. The session stays open
   * (the caller closes it, releasing the journal).
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.session.interrupt();
    await this.#pending.catch(() => {});
    for (const stream of this.#streams) {
      try {
        stream.close();
      } catch {
        // already closed by the page
      }
    }
    this.#streams.clear();
    await this.#server.shutdown();
  }

  /** Resolves when the server has stopped. */
  get finished(): Promise<void> {
    return this.#server.finished;
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const host = request.headers.get("host") ?? "";
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) {
      return forbidden("wrong host");
    }
    if (!this.#authorized(request, url)) return forbidden("a valid token is required");
    if (request.method === "GET") {
      switch (url.pathname) {
        case "/":
          return this.#page();
        case "/api/state":
          return json(this.#state());
        case "/api/events":
          return this.#events();
        case "/report":
          return new Response(this.#redact(this.session.report("html"), "message"), {
            headers: {
              ...SECURITY_HEADERS,
              "content-type": "text/html; charset=utf-8",
              "content-security-policy":
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
            },
          });
      }
      return new Response("not found", { status: 404, headers: SECURITY_HEADERS });
    }
    if (request.method === "POST" && url.pathname.startsWith("/api/")) {
      const origin = request.headers.get("origin");
      if (
        origin !== null && origin !== `http://127.0.0.1:${this.port}` &&
        origin !== `http://localhost:${this.port}`
      ) return forbidden("wrong origin");
      if (!(request.headers.get("content-type") ?? "").startsWith("application/json")) {
        return json({ ok: false, message: "commands are JSON" }, 415);
      }
      let body: Record<string, unknown>;
      try {
        const parsed = await request.json();
        body = parsed !== null && typeof parsed === "object" ? parsed : {};
      } catch {
        return json({ ok: false, message: "the body is not JSON" }, 400);
      }
      const answer = await this.#command(url.pathname.slice(5), body);
      return json(answer, answer.ok ? 200 : answer.code === "E_UNKNOWN" ? 404 : 409);
    }
    return new Response("method not allowed", { status: 405, headers: SECURITY_HEADERS });
  }

  #authorized(request: Request, url: URL): boolean {
    const header = /^token\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const given = header ?? url.searchParams.get("token") ?? "";
    return sameText(given, this.token);
  }

  #page(): Response {
    const nonce = randomToken().slice(0, 32);
    return new Response(webPage({ title: this.session.workflow.name, token: this.token, nonce }), {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": [
          "default-src 'none'",
          `script-src 'nonce-${nonce}'`,
          "style-src 'unsafe-inline'",
          "connect-src 'self'",
          "frame-src 'self'",
          "img-src data:",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join("; "),
      },
    });
  }

  #events(): Response {
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
        this.#streams.add(c);
        c.enqueue(encoder.encode(sse("state", this.#state())));
      },
      cancel: () => {
        if (controller !== undefined) this.#streams.delete(controller);
      },
    });
    return new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
      },
    });
  }

  #broadcast(event: string, data: unknown): void {
    const bytes = encoder.encode(sse(event, data));
    for (const stream of this.#streams) {
      try {
        stream.enqueue(bytes);
      } catch {
        this.#streams.delete(stream);
      }
    }
  }

  #state() {
    return this.#redact(webState(this.session, this.#busy), "data");
  }

  #redact<T>(value: T, place: "data" | "message"): T {
    const secrets = new SecretSet([
      ...this.#secrets,
      ...secretValues(this.session.inputs, this.session.workflow.inputs),
    ]);
    return secrets.redact(value, place);
  }

  async #command(name: string, body: Record<string, unknown>): Promise<Answer> {
    const session = this.session;
    const cell = typeof body.cell === "string" || typeof body.cell === "number"
      ? body.cell
      : undefined;
    const text = (key: string) => typeof body[key] === "string" ? body[key] as string : undefined;
    if (this.#stopped) return { ok: false, code: "E_CLOSED", message: "the notebook is stopping" };
    try {
      switch (name) {
        case "interrupt":
          return session.interrupt()
            ? { ok: true, message: "interrupted: the cell stopped (Retry runs it again)" }
            : { ok: true, message: "nothing is running" };
        case "skip": {
          if (cell === undefined) return missing("skip: which cell?");
          const skipped = await session.skip(cell);
          this.changed();
          return { ok: true, message: `skipped ${skipped.id}: runs pass over it` };
        }
        case "set": {
          const input = text("name");
          const value = text("value");
          if (input === undefined || value === undefined) {
            return missing("set: needs an input name and a value");
          }
          if (this.#busy !== null) {
            throw new NotebookError(
              "E_BUSY",
              `busy: ${this.#busy} is running (Stop interrupts it)`,
            );
          }
          const stale = session.setInput(input, value);
          this.changed();
          return {
            ok: true,
            message: `${input} set; ${
              stale.length === 0 ? "no finished cell reads it" : `stale: ${stale.join(", ")}`
            }`,
          };
        }
        case "run":
          return await this.#busyWith(
            cell === undefined ? "run" : `run ${cell}`,
            async () =>
              ranAnswer(cell === undefined ? await session.runNext() : await session.run(cell)),
          );
        case "run-all":
          return await this.#busyWith("run all", async () => ranAnswer(await session.runAll()));
        case "retry":
          return await this.#busyWith("retry", async () => ranAnswer(await session.retry()));
        case "rollback":
          return await this.#busyWith(
            cell === undefined ? "rollback" : `rollback ${cell}`,
            async () => {
              const { undone } = await session.rollback(cell);
              const failed = undone.filter((r) => r.status === "failed");
              const what = undone.map((r) =>
                `${r.stepId}${r.index !== undefined ? ` item ${r.index}` : ""}`
              );
              return failed.length === 0 ? { ok: true, message: `undone: ${what.join(", ")}` } : {
                ok: false,
                code: "E_UNDO_FAILED",
                message: `undo failed: ${
                  failed.map((r) => `${r.stepId}: ${r.error?.code ?? ""} ${r.error?.message ?? ""}`)
                    .join("; ")
                }`,
              };
            },
          );
        default:
          return { ok: false, code: "E_UNKNOWN", message: `unknown command ${name}` };
      }
    } catch (error) {
      const code = error instanceof NotebookError
        ? error.code
        : (error as { code?: unknown })?.code;
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        code: typeof code === "string" ? code : "E_COMMAND",
        message: this.#redact(message, "message"),
      };
    }
  }

  /** Runs a long command, with `busy` set for the pages meanwhile. */
  async #busyWith(what: string, work: () => Promise<Answer>): Promise<Answer> {
    if (this.#busy !== null) {
      throw new NotebookError("E_BUSY", `busy: ${this.#busy} is running (Stop interrupts it)`);
    }
    this.#busy = what;
    this.changed();
    const done = work();
    this.#pending = done;
    try {
      return await done;
    } finally {
      this.#busy = null;
      this.changed();
    }
  }
}

function ranAnswer(run: CellRun | undefined): Answer {
  if (run === undefined) {
    return { ok: true, message: "every cell has run; Set an input or Run a cell to run it again" };
  }
  const bad = run.cells.filter((c) => c.status === "failed" || c.status === "uncertain");
  const lines = [
    `ran ${
      run.cells.map((c) => `${c.id} (${c.status.replace("_", " ")})`).join(", ") || "nothing"
    }`,
  ];
  for (const c of bad) lines.push(`${c.id}: ${c.error?.code ?? ""}: ${c.error?.message ?? ""}`);
  if (run.rollbackOffered !== undefined) {
    lines.push(
      `rollback: on_failure — nothing was undone. Roll back undoes ${
        run.rollbackOffered.join(", ")
      } (newest first)`,
    );
  }
  return bad.length === 0
    ? { ok: true, message: lines.join("\n") }
    : { ok: false, code: "E_CELL_FAILED", message: lines.join("\n") };
}

function missing(message: string): Answer {
  return { ok: false, code: "E_USAGE", message };
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
};

function forbidden(why: string): Response {
  return new Response(`403 forbidden: ${why}\n`, {
    status: 403,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value, bigints), {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" },
  });
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data, bigints)}\n\n`;
}

function bigints(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]`: the value before a `toJSON` (mod.ts gives bigint one) turned it into raw JSON.
  const original = this[key];
  return typeof original === "bigint" ? original.toString() : value;
}

/** 32 random bytes as 64 hex characters. */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares in time independent of where the texts differ. */
function sameText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < y.length; i++) diff |= (x[i] ?? 0) ^ y[i]!;
  return diff === 0;
}

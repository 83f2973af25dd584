/**
 * `tcflow notebook <workflow> --web [--port N]`: serves the notebook's session as a page on
 * 127.0.0.1 (`lib/notebook/web.ts`), prints its URL (one line on stdout), and runs until Ctrl-C
 * or SIGTERM, which interrupt a running cell and leave the run resumable.
 *
 * @module
 */
import type { RunEvent } from "../journal/events.ts";
import type { NotebookSession } from "../notebook/session.ts";
import { WebNotebook } from "../notebook/web.ts";
import { progressSink } from "./_progress.ts";
import { type CliContext, ConfigError, EXIT, UsageError } from "./context.ts";

/** Where the session's events go once the page is served (set before the session exists). */
export interface WebListener {
  event(event: RunEvent): void;
}

/** A listener that forwards events to `web` once it is set. */
export function webListener(): WebListener & { attach(web: WebNotebook): void } {
  let web: WebNotebook | undefined;
  const progress = progressSink({ write: (text) => web?.progress(text), color: false });
  return {
    attach(w) {
      web = w;
    },
    event(event) {
      if (web === undefined) return;
      void progress.append(event);
      web.changed();
    },
  };
}

/** The `--port` flag: an integer 0-65535 (0, the default, picks a free port). */
export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`notebook: --port must be a port number 0-65535 (got ${text})`);
  }
  return Number(text);
}

/**
 * Serves `session` until the process is told to stop (or `signal` aborts), then stops the
 * server; the caller closes the session.
 */
export async function serveWeb(
  session: NotebookSession,
  o: {
    port: number;
    secrets: string[];
    ctx: CliContext;
    listener: ReturnType<typeof webListener>;
    signal?: AbortSignal;
  },
): Promise<number> {
  let web: WebNotebook;
  try {
    web = await WebNotebook.serve(session, { port: o.port, secrets: o.secrets });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `notebook: 127.0.0.1:${o.port} is already in use; choose another --port (0 picks a free one)`,
      );
    }
    throw error;
  }
  o.listener.attach(web);
  // The signal listeners go on before the URL is printed: a Ctrl-C pressed the moment the
  // address appears must stop the server cleanly, not kill the process by default action.
  const stopped = new Promise<void>((resolve) => {
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const stop = () => {
      for (const s of signals) {
        try {
          Deno.removeSignalListener(s, stop);
        } catch {
          // not added
        }
      }
      resolve();
    };
    for (const s of signals) {
      try {
        Deno.addSignalListener(s, stop);
      } catch {
        // not on this platform
      }
    }
    if (o.signal?.aborted) stop();
    o.signal?.addEventListener("abort", stop, { once: true });
  });
  o.ctx.io.stdout(`tcflow notebook at ${web.url}\n`);
  o.ctx.io.stderr(`run ${session.runId}; Ctrl-C stops the server\n`);
  await stopped;
  const interrupted = session.cells().some((cell) => cell.status === "running");
  await web.stop();
  o.ctx.io.stderr(
    `stopped${interrupted ? " (the running cell was interrupted)" : ""}; reopen with: ` +
      `tcflow notebook --run ${session.runId} --web\n`,
  );
  return EXIT.ok;
}

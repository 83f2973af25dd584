/**
 * `tcflow notebook <workflow>` (or `--run <run-id>` to reopen one): the workflow as numbered
 * cells run one at a time from a terminal or from commands on stdin (PRODUCT.md section 8).
 * Every cell run is journaled under the notebook's run id, so reopening restores every result
 * and `tcflow report <run-id>` renders it.
 *
 * @module
 */
import type { RunEvent } from "../journal/events.ts";
import { JournalError, type JournalStore, type RunRecord } from "../journal/store.ts";
import { NotebookSession, type SessionOptions } from "../notebook/session.ts";
import { runRepl } from "../notebook/terminal.ts";
import { parsePort, serveWeb, type WebListener, webListener } from "./_notebook_web.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import type { Workflow } from "../workflow/model.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { overrideRegion } from "./_command.ts";
import { cloudsOf, connect, CONNECT_FLAGS, type Connection } from "./_connect.ts";
import { loadRecordedRun, openStore, readRun, recordedRegion } from "./_journal.ts";
import { progressSink } from "./_progress.ts";
import { boolFlag, listFlag, parseCommandArgs, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, EXIT, UsageError } from "./context.ts";
import { parseInputFlags, secretValues } from "../workflow/inputs.ts";

/** Text of `tcflow notebook --help`. */
export const NOTEBOOK_USAGE =
  `Usage: tcflow notebook <workflow> [--input name=value]… [--inputs file] [--state-dir DIR]
                       [--emulator | --endpoint-url URL] [--region R] [--profile P] [--no-color]
       tcflow notebook --run <run-id> [--input secret=value]… [--emulator | --endpoint-url URL]
       tcflow notebook <workflow> --web [--port N]   (or --run <run-id> --web)

The workflow as numbered cells with their doc prose and status. Commands: run (the next
cell), run <id|n>, run all, show <id|n>, plan <id|n>, set <input>=<value>, retry,
skip <id|n>, rollback, eval, reload, report, cells, inputs, help, quit. In a terminal: line
editing and history, Ctrl-C interrupts the running cell. Commands are read line by line from stdin, so a
notebook can be scripted: printf 'run\\nshow 1\\nquit\\n' | tcflow notebook wf.yaml --emulator
Every result is journaled; --run <run-id> reopens a notebook with every result restored
(nothing is sent again). --web serves the notebook as a page on 127.0.0.1 (--port 0, the
default, picks a free port) and prints its URL with a new random token; Ctrl-C stops it.
Exit codes: 0; 1 when a scripted notebook met a failed cell or a
command that could not be done; 2 invalid workflow or command line; 3 credentials.
`;

const NOTEBOOK_FLAGS = {
  ...CONNECT_FLAGS,
  run: { type: "string" },
  web: { type: "boolean" },
  port: { type: "string" },
} as const;

/** Event types shown as progress while a cell runs (the REPL prints the cell's own line). */
const PROGRESS_TYPES: ReadonlySet<RunEvent["type"]> = new Set([
  "attempt-failed",
  "page-fetched",
  "poll-waiting",
  "foreach-progress",
  "item-finished",
  "undo-started",
  "undo-succeeded",
  "undo-failed",
  "rollback-finished",
]);

/** `tcflow notebook`. */
export const notebookCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("notebook", args, NOTEBOOK_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(NOTEBOOK_USAGE);
    return EXIT.ok;
  }
  const runId = stringFlag(parsed, "run");
  const [file, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError("notebook: one workflow at a time");
  if (file === undefined && runId === undefined) {
    throw new UsageError(
      "notebook: missing the workflow file (or --run <run-id>)\n" + NOTEBOOK_USAGE,
    );
  }
  const web = boolFlag(parsed, "web");
  const port = parsePort(stringFlag(parsed, "port"));
  if (!web && stringFlag(parsed, "port") !== undefined) {
    throw new UsageError("notebook: --port goes with --web");
  }
  const stdin = ctx.io.stdin;
  if (stdin === undefined && !web) throw new UsageError("notebook: needs commands on stdin");
  const color = !boolFlag(parsed, "no-color") && ctx.io.isTerminal &&
    ctx.env("NO_COLOR") === undefined;

  const listener = webListener();
  const opened = runId !== undefined
    ? await reopen(runId, file, parsed, ctx, listener)
    : await start(file!, parsed, ctx, color, listener);
  if (typeof opened === "number") return opened;
  const { session, connection, store } = opened;
  const editor = !web && ctx.io.isTerminal && ctx.io.processTerminal === true
    ? (await import("./_line_editor.ts")).openLineEditor()
    : undefined;
  const source = file ?? session.meta.file;
  try {
    if (web) {
      return await serveWeb(session, {
        port,
        secrets: connection.secrets,
        ctx,
        listener,
      });
    }
    return await runRepl(session, {
      stdin: stdin!,
      write: (text) => ctx.io.stdout(text),
      interactive: ctx.io.isTerminal,
      color,
      width: terminalWidth(ctx),
      ...(editor !== undefined ? { editor } : {}),
      ...(source !== undefined ? { reload: () => reloadWorkflow(source, parsed, ctx) } : {}),
    });
  } finally {
    await session.close();
    connection.close();
    await store.end?.();
  }
};

interface Opened {
  session: NotebookSession;
  connection: Connection;
  store: JournalStore;
}

async function start(
  file: string,
  parsed: ParsedArgs,
  ctx: CliContext,
  color: boolean,
  listener: WebListener,
): Promise<Opened | number> {
  const path = resolvePath(ctx.cwd, file);
  const loaded = await loadWorkflowFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of loaded.diagnostics) {
      const shown = { ...d, file: d.file === path ? file : d.file };
      ctx.io.stderr(formatDiagnostic(shown, loaded.source, { color }) + "\n");
    }
    ctx.io.stderr(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
    return EXIT.invalid;
  }
  const workflow = overrideRegion(loaded.workflow, parsed);
  const inputsFile = stringFlag(parsed, "inputs");
  const inputs = parseInputFlags(
    listFlag(parsed, "input"),
    inputsFile === undefined ? undefined : resolvePath(ctx.cwd, inputsFile),
    workflow.inputs,
  );
  const connection = await connect(parsed, ctx, { clouds: cloudsOf(workflow) });
  let store: JournalStore | undefined;
  try {
    store = await openStore(parsed, ctx);
    const session = await NotebookSession.create({
      ...sessionOptions(workflow, inputs, connection, store, parsed, ctx, listener),
      ...(connection.region !== undefined ? { region: connection.region } : {}),
      target: connection.target,
      cwd: ctx.cwd,
    });
    return { session, connection, store };
  } catch (error) {
    connection.close();
    await store?.end?.();
    throw error;
  }
}

async function reopen(
  runId: string,
  file: string | undefined,
  parsed: ParsedArgs,
  ctx: CliContext,
  listener: WebListener,
): Promise<Opened | number> {
  const store = await openStore(parsed, ctx);
  try {
    const opened = await reopenWith(store, runId, file, parsed, ctx, listener);
    if (typeof opened === "number") await store.end?.();
    return opened;
  } catch (error) {
    await store.end?.();
    throw error;
  }
}

async function reopenWith(
  store: JournalStore,
  runId: string,
  file: string | undefined,
  parsed: ParsedArgs,
  ctx: CliContext,
  listener: WebListener,
): Promise<Opened | number> {
  const record: RunRecord = await readRun(store, runId, "notebook");
  if (file !== undefined && resolvePath(ctx.cwd, file) !== record.meta.file) {
    ctx.io.stderr(`note: run ${runId} is a notebook of ${record.meta.file}; opening that\n`);
  }
  const run = await loadRecordedRun(record, parsed, ctx, "notebook", { store });
  const recorded = recordedRegion(record, parsed, "notebook");
  const connection = await connect(parsed, ctx, {
    clouds: cloudsOf(run.workflow),
    recorded: record.meta.target,
  });
  const region = recorded ?? connection.region;
  try {
    const session = await NotebookSession.reopen({
      ...sessionOptions(run.workflow, run.inputs, connection, store, parsed, ctx, listener),
      env: run.env,
      record,
      ...(region !== undefined ? { region } : {}),
    });
    return { session, connection, store };
  } catch (error) {
    connection.close();
    if (error instanceof JournalError && error.code === "E_RUN_LOCKED") {
      ctx.io.stderr(`tcflow: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

function sessionOptions(
  workflow: Workflow,
  inputs: Record<string, unknown>,
  connection: Connection,
  store: JournalStore,
  parsed: ParsedArgs,
  ctx: CliContext,
  listener: WebListener,
): SessionOptions {
  const progress = progressSink({
    write: (text) => ctx.io.stderr(text),
    color: false,
  });
  const env: Record<string, string> = {};
  for (const name of workflow.env) {
    const value = ctx.env(name);
    if (value !== undefined) env[name] = value;
  }
  return {
    workflow,
    inputs,
    deps: connection.deps,
    client: connection.client,
    rateLimiter: connection.rateLimiter,
    store,
    secrets: [...connection.secrets, ...secretValues(inputs, workflow.inputs)],
    env,
    onEvent: (event) => {
      if (!boolFlag(parsed, "quiet") && PROGRESS_TYPES.has(event.type)) {
        void progress.append(event);
      }
      listener.event(event);
    },
  };
}

/** Columns of the terminal, or 100 when output is not a terminal. */
function terminalWidth(ctx: CliContext): number {
  if (!ctx.io.isTerminal) return 100;
  try {
    return Math.max(40, Deno.consoleSize().columns);
  } catch {
    return 100;
  }
}

function resolvePath(cwd: string, file: string): string {
  return file.startsWith("/") || /^[A-Za-z]:[\\/]/.test(file)
    ? file
    : `${cwd.replace(/\/+$/, "")}/${file}`;
}

/**
 * The workflow re-read from its file for `reload` (`--region` applied again).
 *
 * @throws {Error} the file's problems, `file:line:column` each, when it is not valid
 */
async function reloadWorkflow(file: string, parsed: ParsedArgs, ctx: CliContext) {
  const path = resolvePath(ctx.cwd, file);
  const loaded = await loadWorkflowFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    throw new Error(
      `reload: ${file} is not valid; the notebook keeps the workflow it has:\n` +
        errors.map((d) => formatDiagnostic({ ...d, file }, loaded.source)).join("\n"),
    );
  }
  return overrideRegion(loaded.workflow, parsed);
}

/**
 * The notebook REPL: prints the cells with their `doc` prose and status, then reads commands
 * line by line (from a terminal or a script on stdin; no raw mode) and runs them against a
 * {@link NotebookSession}. Colours only when asked (a terminal without `--no-color`).
 *
 * Commands (PRODUCT.md section 8): `run` (next cell), `run <id|n>`, `run all`, `show <id|n>`,
 * `plan <id|n>`, `set <input>=<value>`, `retry`, `skip <id|n>`, `report`, and `cells`,
 * `inputs`, `help`, `quit`.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { formatPlan } from "../workflow/plan_format.ts";
import type { Workflow } from "../workflow/model.ts";
import type { Cell, CellRun, CellStatus, NotebookSession } from "./session.ts";
import { formatTable, isTabular } from "./table.ts";

/** Options of {@link runRepl}. */
export interface ReplOptions {
  /** Standard input: commands, one per line. */
  stdin: ReadableStream<Uint8Array>;
  /** Writes to standard output. */
  write(text: string): void;
  /** A person is typing: show a prompt (otherwise each command is echoed after `»`). */
  interactive: boolean;
  color: boolean;
  /** Width of the terminal in characters (default 100). */
  width?: number;
  /**
   * Line editing and history (a terminal: `node:readline`): lines come from it instead of
   * `stdin`, and Ctrl-C interrupts the running cell instead of ending the notebook.
   */
  editor?: LineEditor;
  /** Re-reads the workflow from its file (`reload`); it throws with the problems when invalid. */
  reload?: () => Promise<Workflow>;
}

/** A line editor with history (`node:readline` on a terminal). */
export interface LineEditor {
  /** The lines typed; ends with Ctrl-D. */
  lines: AsyncIterable<string>;
  /** Shows the prompt. */
  prompt(text: string): void;
  /** `handler` is called on Ctrl-C. */
  onInterrupt(handler: () => void): void;
  /** Gives the terminal back. */
  close(): void;
}

/** Text of the `help` command. */
export const REPL_HELP = `Commands:
  run                 run the next cell (and the cells it reads that have not run)
  run <id|n>          run one cell (again)
  run all             run every cell that has not run, is stale or failed
  show <id|n>         the cell's request, response and outputs (lists as tables)
  plan <id|n>         the exact request the cell would send; nothing is sent
  set <input>=<value> change an input (YAML value); cells that read it become stale
  retry               run the last failed cell again
  skip <id|n>         pass over a cell
  rollback [<id|n>]   undo what the cells applied (their undo blocks), newest first, or one cell
  eval <expression>   evaluate CEL against the run (inputs, steps.<id>.outputs, run, env, now)
  reload              re-read the workflow file: changed cells become stale, new ones appear
  inputs              the current input values
  report              the run as Markdown
  cells               list the cells again
  quit                close the notebook (reopen it with --run <run-id>)
`;

const SYMBOL: Record<CellStatus, string> = {
  rolled_back: "↩",
  pending: "·",
  running: "…",
  succeeded: "✓",
  failed: "✗",
  skipped: "-",
  uncertain: "?",
  stale: "~",
};

/** ANSI colours, or none. */
export function painter(color: boolean) {
  const wrap = (code: string) => (text: string) => color ? `\x1b[${code}m${text}\x1b[0m` : text;
  return {
    bold: wrap("1"),
    dim: wrap("2"),
    red: wrap("31"),
    green: wrap("32"),
    yellow: wrap("33"),
    cyan: wrap("36"),
  };
}
type Paint = ReturnType<typeof painter>;

function statusPaint(status: CellStatus, paint: Paint): (text: string) => string {
  switch (status) {
    case "succeeded":
      return paint.green;
    case "failed":
      return paint.red;
    case "uncertain":
    case "stale":
    case "running":
    case "rolled_back":
      return paint.yellow;
    default:
      return paint.dim;
  }
}

/** One line per cell: number, status, id, action, status text. */
export function formatCellLine(cell: Cell, paint: Paint = painter(false), width = 2): string {
  const color = statusPaint(cell.status, paint);
  const what = cell.action ?? `(${cell.kind})`;
  const facts: string[] = [cell.status];
  if (cell.note !== undefined) facts.push(cell.note);
  if (cell.attempts > 0) facts.push(`${cell.attempts} request${cell.attempts === 1 ? "" : "s"}`);
  if (cell.durationMs !== undefined && cell.status !== "pending") {
    facts.push(`${Math.round(cell.durationMs)}ms`);
  }
  return `${String(cell.n).padStart(width)}. ${color(SYMBOL[cell.status])} ${
    paint.bold(cell.id)
  }  ${paint.dim(what)}  ${color(facts.join(" · "))}`;
}

/** The notebook: a header, then every cell with its doc prose. */
export function formatCells(
  session: Pick<NotebookSession, "workflow" | "runId" | "cells">,
  paint: Paint = painter(false),
): string {
  const cells = session.cells();
  const width = String(cells.length).length;
  const lines = [
    paint.bold(`${session.workflow.name}`) + paint.dim(`  run ${session.runId}`),
  ];
  if (session.workflow.description !== undefined) lines.push(session.workflow.description);
  lines.push("");
  for (const cell of cells) {
    lines.push(formatCellLine(cell, paint, width));
    for (const line of (cell.doc ?? "").trimEnd().split("\n")) {
      if (line.trim() !== "") lines.push(`${" ".repeat(width + 4)}${paint.dim(line)}`);
    }
    if (cell.error !== undefined && cell.status !== "stale") {
      lines.push(
        `${" ".repeat(width + 4)}${paint.red(`${cell.error.code}: ${cell.error.message}`)}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** `show <id>`: the request(s), the response or values, the error; lists as tables. */
export function formatShow(cell: Cell, options: { color?: boolean; width?: number } = {}): string {
  const paint = painter(options.color ?? false);
  const width = options.width ?? 100;
  const lines = [formatCellLine(cell, paint)];
  if (cell.doc !== undefined) {
    for (const line of cell.doc.trimEnd().split("\n")) lines.push(`    ${paint.dim(line)}`);
  }
  if (cell.requests.length > 0) {
    lines.push(paint.bold(cell.requests.length === 1 ? "request:" : "requests:"));
    lines.push(...formatValue(cell.requests.length === 1 ? cell.requests[0] : cell.requests, {
      indent: "  ",
      width,
      json: true,
    }));
  }
  if (cell.status === "pending") {
    lines.push(paint.dim("  (not run yet: `plan " + cell.id + "` shows what it would send)"));
  } else if (cell.kind === "action" && cell.outputs !== null) {
    lines.push(paint.bold(`response${cell.requestId ? ` (RequestId ${cell.requestId})` : ""}:`));
    lines.push(...formatValue(cell.outputs, { indent: "  ", width }));
  } else if (cell.kind !== "action" && cell.outputs !== null) {
    lines.push(paint.bold("outputs:"));
    lines.push(...formatValue(cell.outputs, { indent: "  ", width }));
  }
  if (cell.error !== undefined) {
    lines.push(paint.red(`error: ${cell.error.code}: ${cell.error.message}`));
  }
  if (cell.history.length > 0) {
    lines.push(paint.bold(`earlier runs (${cell.history.length}):`));
    cell.history.forEach((run, i) => {
      const facts = [
        `${i + 1}. ${run.status}${run.undone ? " (undone)" : ""}`,
        `${run.attempts} request${run.attempts === 1 ? "" : "s"}`,
      ];
      if (run.requestId !== undefined) facts.push(`RequestId ${run.requestId}`);
      if (run.error !== undefined) facts.push(`${run.error.code}: ${run.error.message}`);
      lines.push(`  ${facts.join(" · ")}`);
    });
  }
  return lines.join("\n") + "\n";
}

/** A value as lines: an object field by field, lists of rows as tables, the rest as JSON. */
export function formatValue(
  value: unknown,
  o: { indent: string; width: number; json?: boolean },
): string[] {
  const json = (v: unknown, indent: string) =>
    (stringifyJson(v ?? null, 2) ?? "null").split("\n").map((l) => indent + l);
  if (o.json) return json(value, o.indent);
  if (isTabular(value)) {
    return formatTable(value, { indent: o.indent, maxWidth: o.width }).trimEnd().split("\n");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return json(value, o.indent);
  }
  const lines: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (isTabular(item)) {
      lines.push(`${o.indent}${key}: ${item.length} row${item.length === 1 ? "" : "s"}`);
      lines.push(
        ...formatTable(item, { indent: o.indent + "  ", maxWidth: o.width }).trimEnd().split("\n"),
      );
    } else if (holdsTable(item)) {
      // A structure holding lists (a `Result` with its items): field by field, lists as tables.
      lines.push(`${o.indent}${key}:`, ...formatValue(item, { ...o, indent: o.indent + "  " }));
    } else if (item !== null && typeof item === "object") {
      const text = stringifyJson(item) ?? "null";
      if (text.length + key.length + o.indent.length + 2 <= o.width) {
        lines.push(`${o.indent}${key}: ${text}`);
      } else {
        lines.push(`${o.indent}${key}:`, ...json(item, o.indent + "  "));
      }
    } else {
      lines.push(`${o.indent}${key}: ${typeof item === "string" ? item : stringifyJson(item)}`);
    }
  }
  return lines.length > 0 ? lines : [`${o.indent}{}`];
}

/** Whether a value is a structure (not a list) with a list of rows somewhere inside. */
export function holdsTable(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  return Object.values(value).some((item) => isTabular(item) || holdsTable(item));
}

/**
 * Runs the REPL until `quit` or the end of stdin, then closes the session.
 *
 * @returns the exit code: 0, or 1 when a scripted session (not interactive) met a failed cell
 *   or a command that could not be done
 */
export async function runRepl(session: NotebookSession, options: ReplOptions): Promise<number> {
  const paint = painter(options.color);
  const write = options.write;
  const width = options.width ?? 100;
  let problems = 0;
  write(formatCells(session, paint));
  write(paint.dim(`Type "help" for the commands.\n`));
  const editor = options.editor;
  const prompt = () => {
    if (editor !== undefined) editor.prompt(paint.cyan("tcflow> "));
    else if (options.interactive) write(paint.cyan("tcflow> "));
  };
  let busy = false;
  editor?.onInterrupt(() => {
    // Ctrl-C stops the running cell (it ends interrupted; `retry` runs it again), not the
    // notebook; with no cell running it only says how to leave.
    if (busy && session.interrupt()) write(paint.yellow("^C interrupting the cell…\n"));
    else {
      write(paint.dim("\n(^C: no cell is running; type quit or press Ctrl-D to close)\n"));
      prompt();
    }
  });
  prompt();
  try {
    for await (const raw of editor?.lines ?? lines(options.stdin)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) {
        prompt();
        continue;
      }
      if (!options.interactive) write(`${paint.cyan("»")} ${echoed(session, line)}\n`);
      busy = true;
      try {
        const outcome = await command(session, line, {
          write,
          paint,
          width,
          color: options.color,
          reload: options.reload,
        });
        if (outcome === "quit") break;
        if (outcome === "failed") problems++;
      } catch (error) {
        problems++;
        write(paint.red(`error: ${error instanceof Error ? error.message : String(error)}`) + "\n");
      } finally {
        busy = false;
      }
      prompt();
    }
  } finally {
    editor?.close();
    await session.close();
  }
  write(paint.dim(`closed; reopen with: tcflow notebook --run ${session.runId}\n`));
  return options.interactive || problems === 0 ? 0 : 1;
}

type Outcome = "ok" | "failed" | "quit";

async function command(
  session: NotebookSession,
  line: string,
  o: {
    write(text: string): void;
    paint: Paint;
    width: number;
    color: boolean;
    reload?: (() => Promise<Workflow>) | undefined;
  },
): Promise<Outcome> {
  const [name = "", ...rest] = line.split(/\s+/);
  const arg = rest.join(" ");
  const need = (what: string) => {
    if (arg === "") throw new Error(`${name}: which cell? (${what})`);
    return arg;
  };
  switch (name.toLowerCase()) {
    case "run": {
      const run = arg === ""
        ? await session.runNext()
        : arg === "all"
        ? await session.runAll()
        : await session.run(arg);
      return printRun(run, o);
    }
    case "retry":
      return printRun(await session.retry(), o);
    case "rollback": {
      const { undone, cells } = await session.rollback(arg === "" ? undefined : arg);
      for (const r of undone) {
        const item = r.index !== undefined ? ` item ${r.index}` : "";
        o.write(
          r.status === "succeeded"
            ? `${o.paint.green("↩")} undone ${r.stepId}${item}\n`
            : `${o.paint.red("↩")} undo of ${r.stepId}${item} failed: ${r.error?.code ?? ""}: ${
              r.error?.message ?? ""
            }\n`,
        );
      }
      for (const cell of cells) o.write(formatCellLine(cell, o.paint) + "\n");
      return undone.some((r) => r.status === "failed") ? "failed" : "ok";
    }
    case "show":
      o.write(formatShow(session.cell(need("show <id|n>")), {
        color: o.color,
        width: o.width,
      }));
      return "ok";
    case "plan": {
      const { plan, step } = await session.plan(need("plan <id|n>"));
      o.write(formatPlan({ ...plan, steps: [step], outputs: {} }, {
        color: o.color,
      }));
      return "ok";
    }
    case "set": {
      const eq = arg.indexOf("=");
      if (eq <= 0) throw new Error("set: expected <input>=<value>, e.g. set queueNum=4");
      const input = arg.slice(0, eq).trim();
      const stale = session.setInput(input, arg.slice(eq + 1).trim());
      const secret = session.workflow.inputs.find((d) => d.name === input)?.secret === true;
      const shown = secret ? "***" : stringifyJson(session.inputs[input]) ?? "null";
      o.write(
        `${input} = ${shown}; ${
          stale.length === 0 ? "no finished cell reads it" : `stale: ${stale.join(", ")}`
        }\n`,
      );
      return "ok";
    }
    case "skip":
      o.write(formatCellLine(await session.skip(need("skip <id|n>")), o.paint) + "\n");
      return "ok";
    case "report":
      o.write(session.report("markdown") + "\n");
      return "ok";
    case "eval": {
      if (arg === "") throw new Error("eval: which expression? (eval <expression>)");
      const value = session.eval(arg);
      o.write(formatValue(value, { indent: "", width: o.width }).join("\n") + "\n");
      return "ok";
    }
    case "reload": {
      if (o.reload === undefined) throw new Error("reload: this notebook has no workflow file");
      const { stale, added, removed } = session.reload(await o.reload());
      const said = [
        stale.length > 0 ? `stale: ${stale.join(", ")}` : "",
        added.length > 0 ? `new: ${added.join(", ")}` : "",
        removed.length > 0 ? `removed: ${removed.join(", ")}` : "",
      ].filter((part) => part !== "");
      o.write(`reloaded ${session.workflow.name}; ${said.join("; ") || "no cell changed"}\n`);
      o.write(formatCells(session, o.paint));
      return "ok";
    }
    case "inputs":
      for (const decl of session.workflow.inputs) {
        const value = session.inputs[decl.name];
        const shown = decl.secret ? "***" : stringifyJson(value ?? null) ?? "null";
        o.write(`${decl.name} = ${shown}${o.paint.dim(`  (${decl.type})`)}\n`);
      }
      return "ok";
    case "cells":
    case "list":
    case "ls":
      o.write(formatCells(session, o.paint));
      return "ok";
    case "help":
    case "?":
      o.write(REPL_HELP);
      return "ok";
    case "quit":
    case "exit":
    case "q":
      return "quit";
    default:
      throw new Error(`unknown command ${JSON.stringify(name)}; type "help" for the commands`);
  }
}

function printRun(
  run: CellRun | undefined,
  o: { write(text: string): void; paint: Paint },
): Outcome {
  if (run === undefined) {
    o.write("every cell has run; `set` an input or `run <id>` to run one again\n");
    return "ok";
  }
  let failed = false;
  for (const cell of run.cells) {
    o.write(formatCellLine(cell, o.paint) + "\n");
    if (cell.error !== undefined) {
      o.write(`    ${o.paint.red(`${cell.error.code}: ${cell.error.message}`)}\n`);
    }
    if (cell.status === "failed" || cell.status === "uncertain") failed = true;
  }
  if (run.rollbackOffered !== undefined) {
    o.write(
      o.paint.yellow(
        `rollback: on_failure — nothing was undone. "rollback" undoes ${
          run.rollbackOffered.join(", ")
        } (newest first, each undo shown); "rollback <id>" undoes one cell\n`,
      ),
    );
  }
  return failed ? "failed" : "ok";
}

/** The lines of a byte stream (UTF-8), without their line ends. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        yield buffer.slice(0, end).replace(/\r$/, "");
        buffer = buffer.slice(end + 1);
      }
    }
    buffer += decoder.decode();
    if (buffer !== "") yield buffer.replace(/\r$/, "");
  } finally {
    reader.releaseLock();
  }
}

/** The command as echoed: the value of `set <secret input>=…` is shown as `***`. */
function echoed(
  session: { workflow: { inputs: Array<{ name: string; secret: boolean }> } },
  line: string,
): string {
  const match = /^(set\s+)([A-Za-z_][A-Za-z0-9_]*)(\s*=)/.exec(line);
  if (!match) return line;
  const secret = session.workflow.inputs.some((d) => d.name === match[2] && d.secret);
  return secret ? `${match[0]}***` : line;
}

/**
 * The notebook for Deno's Jupyter kernel (and any Deno script): `openNotebook(path)` opens a
 * workflow as a {@link NotebookSession} and returns methods whose results render as rich
 * HTML in Jupyter (`Symbol.for("Jupyter.display")`): tables of results, errors highlighted.
 * Notebooks written by `tcflow ipynb` call it, one cell per step.
 *
 * @module
 */
import { cloudsOf, connect, type Connection } from "../connect.ts";
import { recordedRun } from "../journal/recorded_run.ts";
import { parseInputFlags, secretValues } from "../workflow/inputs.ts";
import { type Deps, systemDeps } from "../deps.ts";
import { FileJournalStore } from "../journal/file_store.ts";
import { stringifyJson } from "../json.ts";
import { esc } from "../report/html.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import {
  type Cell,
  type CellRun,
  type CellStatus,
  NotebookError,
  NotebookSession,
} from "./session.ts";
import { formatCells, formatShow, holdsTable } from "./terminal.ts";
import { htmlTable, isTabular } from "./table.ts";
import { denoJupyter, flushIopub } from "./kernel_iopub.ts";
import { formatPlan } from "../workflow/plan_format.ts";

/** The symbol Deno's Jupyter kernel calls to render a value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A result that renders as HTML in Jupyter and as text elsewhere. */
export interface Display {
  /** Plain-text rendering (terminals, `console.log`). */
  text: string;
  /** HTML rendering (Jupyter). */
  html: string;
  /** Called by Deno's Jupyter kernel: both renderings by MIME type. */
  [JUPYTER_DISPLAY](): { "text/plain": string; "text/html": string };
}

/** Options of {@link openNotebook}. */
export interface OpenNotebookOptions {
  /** Run against the built-in emulator with its demo credentials. */
  emulator?: boolean;
  /** Send every request to this URL (a proxy, an emulator server). */
  endpointUrl?: string;
  /** Input values (integers may be numbers or bigints); defaults fill the rest. */
  inputs?: Record<string, unknown>;
  /** Where runs are journaled (default `.tcflow` in the working directory). */
  stateDir?: string;
  /** Reopen this run of the state directory instead of starting one. */
  runId?: string;
  /** Default region, like `--region` (wins over `TENCENTCLOUD_REGION` and the profile). */
  region?: string;
  /** TCCLI profile. */
  profile?: string;
  /** Time, randomness and network (default: the system's). */
  deps?: Deps;
  /** Environment variables (default `Deno.env`). */
  env?: (name: string) => string | undefined;
}

/** A workflow opened as a notebook; every method's result renders in Jupyter. */
export interface JupyterNotebook {
  /** The session underneath (cells, inputs, events). */
  readonly session: NotebookSession;
  /** The id of the notebook's run (journaled under the state directory). */
  readonly runId: string;
  /** Every cell with its doc and status. */
  cells(): Display;
  /** Runs one cell (by id or number), or the next one when none is given. */
  run(idOrN?: string | number): Promise<Display>;
  /** Runs every cell that has not run. */
  runAll(): Promise<Display>;
  /** Runs the last failed cell again. */
  retry(): Promise<Display>;
  /** A cell's request, response and outputs (lists as tables). */
  show(idOrN: string | number): Display;
  /** The exact request a cell would send; nothing is sent. */
  plan(idOrN: string | number): Promise<Display>;
  /** Sets an input (a value, or YAML text); returns the cells that became stale. */
  set(name: string, value: unknown): Display;
  /** Passes over a cell. */
  skip(idOrN: string | number): Promise<Display>;
  /** The run's report. */
  report(): Display;
  /** Releases the journal lock and the connection. */
  close(): Promise<void>;
}

/**
 * Opens a workflow as a notebook.
 *
 * @throws {Error} the workflow does not validate (the message holds every diagnostic);
 *   {UsageError} bad inputs; {ConfigError} missing credentials
 *
 * @example
 * ```ts
 * const path = new URL("../../workflows/rocketmq-smooth-migration.yaml", import.meta.url).pathname;
 * const nb = await openNotebook(path, { emulator: true, stateDir: await Deno.makeTempDir() });
 * await nb.run("source_groups"); // renders the cell's response as tables in Jupyter
 * await nb.close();
 * ```
 */
export async function openNotebook(
  path: string,
  options: OpenNotebookOptions = {},
): Promise<JupyterNotebook> {
  const cwd = Deno.cwd();
  const env = options.env ?? readEnv;
  let stderr = "";
  const deps = options.deps ?? systemDeps();
  const target = {
    deps,
    env,
    emulator: options.emulator === true,
    endpointUrl: options.endpointUrl,
    region: options.region,
    profile: options.profile,
  };
  const stateDir = absolute(cwd, options.stateDir ?? ".tcflow");
  const store = new FileJournalStore(stateDir);

  let connection: Connection | undefined;
  let session: NotebookSession;
  try {
    if (options.runId !== undefined) {
      const record = await store.read(options.runId);
      const secretNames = new Set(record.meta.secretInputNames);
      const secretFlags = Object.entries(options.inputs ?? {})
        .filter(([name]) => secretNames.has(name))
        .map(([name, value]) => `${name}=${inputText(value)}`);
      const run = await recordedRun(record, {
        command: "notebook",
        inputFlags: secretFlags,
        quiet: true,
        stderr: (text) => void (stderr += text),
        env,
      });
      connection = await connect({ ...target, clouds: cloudsOf(run.workflow) });
      const region = record.meta.region ?? connection.region;
      session = await NotebookSession.reopen({
        workflow: run.workflow,
        inputs: run.inputs,
        deps: connection.deps,
        client: connection.client,
        rateLimiter: connection.rateLimiter,
        store,
        secrets: [...connection.secrets, ...run.inputSecrets],
        env: run.env,
        record,
        ...(region !== undefined ? { region } : {}),
      });
    } else {
      const file = absolute(cwd, path);
      const loaded = await loadWorkflowFile(file);
      const errors = loaded.diagnostics.filter((d) => d.severity === "error");
      if (loaded.workflow === undefined || errors.length > 0) {
        throw new Error(
          `${path} is not a valid workflow:\n` +
            errors.map((d) => formatDiagnostic(d, loaded.source)).join("\n"),
        );
      }
      const workflow = loaded.workflow;
      const given = options.inputs ?? {};
      const inputs = parseInputFlags([], "inputs.json", workflow.inputs, {
        readTextFile: () => stringifyJson(given) ?? "{}",
      });
      connection = await connect({ ...target, clouds: cloudsOf(workflow) });
      const workflowEnv: Record<string, string> = {};
      for (const name of workflow.env) {
        const value = env(name);
        if (value !== undefined) workflowEnv[name] = value;
      }
      session = await NotebookSession.create({
        workflow,
        inputs,
        deps: connection.deps,
        client: connection.client,
        rateLimiter: connection.rateLimiter,
        store,
        secrets: [...connection.secrets, ...secretValues(inputs, workflow.inputs)],
        env: workflowEnv,
        cwd,
        ...(connection.region !== undefined ? { region: connection.region } : {}),
      });
    }
  } catch (error) {
    connection?.close();
    throw error;
  }
  return wrap(session, connection, stderr);
}

function wrap(session: NotebookSession, connection: Connection, notes: string): JupyterNotebook {
  // A cell that failed shows what happened, then raises: Jupyter marks the cell as failed and
  // `jupyter nbconvert --execute` stops with an error, as with any failing code cell.
  const ran = async (run: CellRun | undefined) => {
    if (run === undefined) return rendered("every cell has run", "<p>Every cell has run.</p>");
    const shown = rendered(
      run.cells.map((cell) => formatShow(cell)).join("\n"),
      run.cells.map(cellHtml).join(""),
    );
    const failed = run.cells.filter((c) => c.status === "failed" || c.status === "uncertain");
    if (failed.length === 0) return shown;
    await showNow(shown);
    throw new NotebookError(
      "E_CELL_FAILED",
      failed.map((c) =>
        `cell ${c.n} (${c.id}) ${c.status}: ${c.error?.code ?? ""}: ${c.error?.message ?? ""}`
      ).join("\n"),
    );
  };
  return {
    session,
    runId: session.runId,
    cells: () => {
      const rows = session.cells().map((cell) => ({
        "": cell.n,
        status: cell.status,
        cell: cell.id,
        action: cell.action ?? `(${cell.kind})`,
        doc: (cell.doc ?? "").trim(),
      }));
      const head = `<div><b>${esc(session.workflow.name)}</b> <code>run ${
        esc(session.runId)
      }</code></div>${notes ? `<pre>${esc(notes)}</pre>` : ""}`;
      return rendered(formatCells(session), head + htmlTable(rows));
    },
    run: async (idOrN) =>
      await ran(idOrN === undefined ? await session.runNext() : await session.run(idOrN)),
    runAll: async () => await ran(await session.runAll()),
    retry: async () => await ran(await session.retry()),
    show: (idOrN) => {
      const cell = session.cell(idOrN);
      return rendered(formatShow(cell), cellHtml(cell));
    },
    plan: async (idOrN) => {
      const { plan, step } = await session.plan(idOrN);
      const text = formatPlan({ ...plan, steps: [step], outputs: {} });
      return rendered(text, `<pre>${esc(text)}</pre>`);
    },
    set: (name, value) => {
      const stale = session.setInput(name, inputText(value));
      const text = stale.length === 0
        ? `${name} set; no finished cell reads it`
        : `${name} set; stale: ${stale.join(", ")}`;
      return rendered(text, `<p>${esc(text)}</p>`);
    },
    skip: async (idOrN) => {
      const cell = await session.skip(idOrN);
      return rendered(formatShow(cell), cellHtml(cell));
    },
    report: () => {
      const html = session.report("html");
      return rendered(
        session.report("markdown"),
        `<iframe style="width:100%;height:600px;border:1px solid #ddd" srcdoc="${
          esc(html)
        }"></iframe>`,
      );
    },
    close: async () => {
      await session.close();
      connection.close();
    },
  };
}

const COLORS: Record<CellStatus, string> = {
  rolled_back: "#6a1b9a",
  pending: "#9e9e9e",
  running: "#f9a825",
  succeeded: "#2e7d32",
  failed: "#c62828",
  skipped: "#9e9e9e",
  uncertain: "#ef6c00",
  stale: "#f9a825",
};

/** A cell as HTML: header with status, doc, error (highlighted), request, response/outputs. */
export function cellHtml(cell: Cell): string {
  const color = COLORS[cell.status];
  const facts = [cell.status, cell.note, cell.attempts > 0 ? `${cell.attempts} requests` : ""]
    .filter((f) => f !== undefined && f !== "").join(" · ");
  const parts = [
    `<div><b>${cell.n}. ${esc(cell.id)}</b> <code>${esc(cell.action ?? cell.kind)}</code> ` +
    `<span style="color:${color};font-weight:bold">${esc(facts)}</span></div>`,
  ];
  if (cell.doc !== undefined) {
    parts.push(`<div style="color:#555;white-space:pre-wrap">${esc(cell.doc.trim())}</div>`);
  }
  if (cell.error !== undefined) {
    parts.push(
      `<div class="tcflow-error" style="background:#fdecea;color:#b71c1c;padding:4px 8px;` +
        `border-radius:3px;margin:4px 0"><b>${esc(cell.error.code)}</b>: ${
          esc(cell.error.message)
        }</div>`,
    );
  }
  if (cell.requests.length > 0) {
    const body = cell.requests.length === 1 ? cell.requests[0] : cell.requests;
    parts.push(
      `<details><summary>request</summary><pre>${
        esc(stringifyJson(body, 2) ?? "")
      }</pre></details>`,
    );
  }
  if (cell.outputs !== null && cell.status !== "pending") {
    const label = cell.kind === "action"
      ? `response${cell.requestId ? ` (RequestId ${cell.requestId})` : ""}`
      : "outputs";
    parts.push(`<div><i>${esc(label)}</i></div>${valueHtml(cell.outputs)}`);
  }
  return `<div class="tcflow-cell" style="border-left:4px solid ${color};padding:4px 8px;` +
    `margin:6px 0;font-family:sans-serif">${parts.join("")}</div>`;
}

/** A value as HTML: lists as tables, objects field by field, the rest as JSON. */
function valueHtml(value: unknown): string {
  if (isTabular(value)) return htmlTable(value);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `<pre>${esc(stringifyJson(value ?? null, 2) ?? "null")}</pre>`;
  }
  const rows = Object.entries(value).map(([key, item]) => {
    const shown = isTabular(item)
      ? htmlTable(item)
      : holdsTable(item)
      ? valueHtml(item)
      : typeof item === "string"
      ? esc(item)
      : `<code>${esc(stringifyJson(item ?? null) ?? "null")}</code>`;
    return `<tr><th style="text-align:left;vertical-align:top;padding:2px 6px">${
      esc(key)
    }</th><td style="padding:2px 6px">${shown}</td></tr>`;
  });
  return `<table style="border-collapse:collapse">${rows.join("")}</table>`;
}

/**
 * Shows a result in a notebook cell: in Deno's Jupyter kernel as `display_data` (HTML and text),
 * returning once the kernel has published it, so the output is in the cell before the cell
 * ends; elsewhere its text on stdout. Generated notebooks show every result this way: a
 * cell's own value (its last expression) can reach Jupyter after the cell ended with Deno's
 * kernel, and `jupyter nbconvert --execute` then drops it.
 *
 * @example
 * ```ts
 * const path = new URL("../../workflows/nightly-audit.yaml", import.meta.url).pathname;
 * const nb = await openNotebook(path, { emulator: true, stateDir: await Deno.makeTempDir() });
 * await display(nb.cells()); // the cells as a table in Jupyter, as text in a terminal
 * await nb.close();
 * ```
 */
export async function display(shown: Display | PromiseLike<Display>): Promise<void> {
  const value = await shown;
  const jupyter = denoJupyter();
  if (jupyter === undefined) {
    console.log(value.text);
    return;
  }
  await jupyter.display(value[JUPYTER_DISPLAY](), { raw: true });
  await flushIopub(jupyter);
}

/** Shows a result in Jupyter now (before a cell raises); outside a kernel, nothing. */
async function showNow(shown: Display): Promise<void> {
  if (denoJupyter() !== undefined) await display(shown);
}

function rendered(text: string, html: string): Display {
  return {
    text,
    html,
    [JUPYTER_DISPLAY]: () => ({ "text/plain": text, "text/html": html }),
  };
}

/** A value as the text of `--input name=value` (YAML; JSON is YAML). */
function inputText(value: unknown): string {
  return typeof value === "string" ? value : stringifyJson(value) ?? "null";
}

function absolute(cwd: string, path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)
    ? path
    : `${cwd.replace(/\/+$/, "")}/${path}`;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

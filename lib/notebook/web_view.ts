/**
 * What the web notebook's page shows, built on the server: the session's state as JSON, each
 * cell's body as HTML (every text escaped here, so the page only places it): its prose, status,
 * error, outputs as tables (the notebook's table views, lists inside `Result` included), and
 * the request and response folded in `<details>`.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { esc } from "../report/html.ts";
import type { Cell, CellStatus, NotebookSession } from "./session.ts";
import { htmlTable, isTabular } from "./table.ts";
import { holdsTable } from "./terminal.ts";

/** One input as the page shows it (a secret input's value is never sent: `***`). */
export interface WebInput {
  name: string;
  type: string;
  secret: boolean;
  /** The value as text to edit (YAML/JSON), `***` for a secret. */
  value: string;
  description?: string;
}

/** One cell as the page shows it. */
export interface WebCell {
  id: string;
  n: number;
  status: CellStatus;
  /** Whether the cell has an `undo` block (so `Roll back` applies to it). */
  undo: boolean;
  /** The cell's body, escaped HTML. */
  html: string;
}

/** The whole page's state, sent on every change (server-sent event `state`). */
export interface WebState {
  workflow: string;
  description: string;
  runId: string;
  /** The command running now (`run all`, `rollback`…), or null. */
  busy: string | null;
  inputs: WebInput[];
  cells: WebCell[];
}

/** The state of `session` for the page. */
export function webState(session: NotebookSession, busy: string | null): WebState {
  const undoable = new Set(
    session.workflow.steps
      .filter((step) => step.kind === "action" && step.undo !== undefined)
      .map((step) => step.id),
  );
  return {
    workflow: session.workflow.name,
    description: session.workflow.description ?? "",
    runId: session.runId,
    busy,
    inputs: session.workflow.inputs.map((decl) => {
      const input: WebInput = {
        name: decl.name,
        type: decl.type,
        secret: decl.secret,
        value: decl.secret ? "***" : inputText(session.inputs[decl.name]),
      };
      if (decl.description !== undefined) input.description = decl.description;
      return input;
    }),
    cells: session.cells().map((cell) => ({
      id: cell.id,
      n: cell.n,
      status: cell.status,
      undo: undoable.has(cell.id),
      html: cellBodyHtml(cell),
    })),
  };
}

/** A cell's body: header, prose, error, outputs as tables, request/response/history folded. */
export function cellBodyHtml(cell: Cell): string {
  const facts: string[] = [];
  if (cell.note !== undefined) facts.push(cell.note);
  if (cell.attempts > 0) facts.push(`${cell.attempts} request${cell.attempts === 1 ? "" : "s"}`);
  if (cell.durationMs !== undefined && cell.status !== "pending") {
    facts.push(duration(cell.durationMs));
  }
  const parts = [
    `<div class="head"><span class="n">${cell.n}</span><span class="id">${esc(cell.id)}</span>` +
    `<code class="action">${esc(cell.action ?? `(${cell.kind})`)}</code>` +
    `<span class="badge">${esc(cell.status.replace("_", " "))}</span>` +
    `<span class="facts">${esc(facts.join(" · "))}</span></div>`,
  ];
  if (cell.doc !== undefined && cell.doc.trim() !== "") {
    parts.push(`<div class="doc">${proseHtml(cell.doc)}</div>`);
  }
  if (cell.error !== undefined && cell.status !== "stale") {
    parts.push(
      `<div class="error"><b>${esc(cell.error.code)}</b>: ${esc(cell.error.message)}</div>`,
    );
  }
  const shown = cell.status !== "pending" && cell.outputs !== null;
  if (shown) {
    parts.push(`<div class="outputs">${valueHtml(cell.outputs)}</div>`);
  }
  if (cell.requests.length > 0) {
    const body = cell.requests.length === 1 ? cell.requests[0] : cell.requests;
    const label = cell.requests.length === 1 ? "Request" : `Requests (${cell.requests.length})`;
    parts.push(folded("request", label, body));
  }
  if (shown && cell.kind === "action") {
    const label = `Response${cell.requestId ? ` (RequestId ${cell.requestId})` : ""}`;
    parts.push(folded("response", label, cell.outputs));
  }
  if (cell.history.length > 0) {
    const items = cell.history.map((run) => {
      const words = [
        `${run.status}${run.undone ? " (undone)" : ""}`,
        `${run.attempts} request${run.attempts === 1 ? "" : "s"}`,
      ];
      if (run.requestId !== undefined) words.push(`RequestId ${run.requestId}`);
      if (run.error !== undefined) words.push(`${run.error.code}: ${run.error.message}`);
      return `<li>${esc(words.join(" · "))}</li>`;
    });
    parts.push(
      `<details class="history"><summary>Earlier runs (${cell.history.length})</summary>` +
        `<ol>${items.join("")}</ol></details>`,
    );
  }
  return parts.join("");
}

function folded(kind: string, label: string, value: unknown): string {
  return `<details class="${kind}"><summary>${esc(label)}</summary><pre>${
    esc(stringifyJson(value ?? null, 2) ?? "null")
  }</pre></details>`;
}

/**
 * A value as HTML: lists as tables, structures field by field (nested structures too, down to
 * a few levels, so a list inside `Result` is a table), the rest as JSON.
 */
export function valueHtml(value: unknown, depth = 0): string {
  if (isTabular(value)) return htmlTable(value);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `<pre>${esc(stringifyJson(value ?? null, 2) ?? "null")}</pre>`;
  }
  const rows = Object.entries(value).map(([key, item]) => {
    const nested = item !== null && typeof item === "object" && !Array.isArray(item) &&
      Object.keys(item).length > 0 && (depth < 3 || holdsTable(item));
    const shown = isTabular(item)
      ? `<div class="rows">${item.length} row${item.length === 1 ? "" : "s"}</div>${
        htmlTable(item)
      }`
      : nested
      ? valueHtml(item, depth + 1)
      : typeof item === "string"
      ? esc(item)
      : `<code>${esc(stringifyJson(item ?? null) ?? "null")}</code>`;
    return `<tr><th>${esc(key)}</th><td>${shown}</td></tr>`;
  });
  return rows.length === 0
    ? `<div class="empty">(no fields)</div>`
    : `<table class="fields">${rows.join("")}</table>`;
}

/**
 * A step's `doc` (Markdown) as HTML, escaped first: headings, paragraphs, `code`, **bold**,
 * and `- ` lists; anything else stays text.
 */
export function proseHtml(markdown: string): string {
  const inline = (text: string) =>
    esc(text)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>");
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(" "))}</p>`);
    if (list.length > 0) out.push(`<ul>${list.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`);
    paragraph = [];
    list = [];
  };
  for (const raw of markdown.trim().split("\n")) {
    const line = raw.trim();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (line === "") {
      flush();
    } else if (heading) {
      flush();
      out.push(`<h4>${inline(heading[1]!)}</h4>`);
    } else if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]!);
    } else {
      if (list.length > 0) flush();
      paragraph.push(line);
    }
  }
  flush();
  return out.join("");
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A value as the text of `--input name=value` (YAML; JSON is YAML). */
function inputText(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : stringifyJson(value) ?? "null";
}

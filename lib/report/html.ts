/**
 * A run as one self-contained HTML page: inline CSS, no scripts, no external resources.
 * Arrays of objects are shown as tables, errors are highlighted, and every recorded value is
 * escaped (a `<script>` inside a response is shown as text, never run).
 *
 * @module
 */
import type { ErrorInfo } from "../journal/events.ts";
import { JsonNumber } from "../json.ts";
import { activeDurationMs, isUndone, type StepRecord } from "../journal/replay.ts";
import type { RunRecord } from "../journal/store.ts";
import {
  columnsOf,
  countsText,
  EARLIER_COLUMNS,
  earlierRows,
  formatDurationMs,
  formatTime,
  inlineText,
  jsonText,
  MAX_REQUESTS,
  MAX_ROWS,
  offsetText,
  type ReportModel,
  reportModel,
  type ReportOptions,
  skipText,
  stepFacts,
} from "./format.ts";
import { isRecord } from "../json.ts";

const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --err: #cf222e; --warn: #9a6700; --muted: #656d76; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 0 0 .3rem; font-size: 1.1rem; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem; overflow: auto; max-height: 30rem; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border: 1px solid #d0d7de; padding: .2rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.facts { color: var(--muted); margin: .2rem 0 .6rem; }
.step { border: 1px solid #d0d7de; border-left: 6px solid #d0d7de; border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
.step.succeeded { border-left-color: var(--ok); } .step.failed, .step.uncertain { border-left-color: var(--err); }
.step.running { border-left-color: var(--warn); }
.badge { display: inline-block; border-radius: 1rem; padding: 0 .6rem; font-size: .85rem; font-weight: 600; background: #eaeef2; }
.badge.succeeded { background: #dafbe1; color: var(--ok); } .badge.failed, .badge.uncertain, .badge.interrupted { background: #ffebe9; color: var(--err); }
.badge.running { background: #fff8c5; color: var(--warn); }
.badge.rolled_back { background: #ddf4ff; color: #0969da; }
.error { background: #ffebe9; border: 1px solid #ff818266; border-left: 4px solid var(--err); border-radius: 6px; padding: .5rem .8rem; margin: .5rem 0; }
.error strong { color: var(--err); }
tr.error td { background: #ffebe9; } tr.warn td { background: #fff8c5; } tr.ok td:last-child { color: var(--ok); }
.more { color: var(--muted); font-style: italic; }
`;

/**
 * Renders a run as a self-contained HTML document.
 *
 * @example
 * ```ts
 * import { renderHtml } from "./html.ts";
 * import { MemoryJournalStore } from "../journal/memory_store.ts";
 * import { journalSink, runMeta } from "../journal/store.ts";
 * import { loadWorkflowText } from "../workflow/load.ts";
 * import { runWorkflow } from "../engine/executor.ts";
 * import { createRateLimiter } from "../engine/rate_limiter.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { systemDeps } from "../deps.ts";
 *
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const { workflow } = loadWorkflowText(
 *   "tcflow: 1\nname: t\nregion: ap-guangzhou\nsteps:\n" +
 *     "  - id: topics\n    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n",
 *   "t.yaml",
 * );
 * const store = new MemoryJournalStore();
 * const meta = await runMeta({ runId: "run-1", workflow: workflow!, inputs: {}, startedMs: deps.now() });
 * await store.create(meta);
 * await runWorkflow(workflow!, {
 *   inputs: {},
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: meta.runId,
 *   sink: journalSink(store, meta.runId),
 * });
 * await store.close(meta.runId);
 * const html = renderHtml(await store.read("run-1")); // a self-contained page
 * console.log(html.startsWith("<!doctype html>")); // true
 * ```
 */
export function renderHtml(record: RunRecord, options: ReportOptions = {}): string {
  const model = reportModel(record, options);
  const { meta } = record;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>tcflow run ${esc(meta.runId)}: ${esc(meta.workflow)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<h1>Run <code>${esc(meta.runId)}</code>: ${esc(meta.workflow)}</h1>`,
    summary(model),
    values("Inputs", model.state.inputs),
    values("Outputs", model.state.outputs),
    "<h2>Steps</h2>",
    ...model.state.steps.map((step, i) => stepHtml(step, i + 1, model)),
    timeline(model),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function summary({ record, state, status }: ReportModel): string {
  const { meta } = record;
  const rows: Array<[string, string]> = [
    ["Status", `<span class="badge ${esc(status)}">${esc(status)}</span>`],
    ["Workflow", `<code>${esc(meta.workflow)}</code> from <code>${esc(meta.file)}</code>`],
    ["Started", esc(formatTime(meta.startedMs))],
    ["Duration", esc(formatDurationMs(activeDurationMs(record.events, meta.startedMs)))],
    ["Steps", esc(countsText(state))],
  ];
  if (state.sessions > 1) {
    rows.push(["Sessions", `${state.sessions} (resumed ${state.sessions - 1}×)`]);
  }
  if (state.inFlight.length > 0) {
    rows.push(["In flight", state.inFlight.map((id) => `<code>${esc(id)}</code>`).join(", ")]);
  }
  if (record.ignoredLines > 0) {
    rows.push([
      "Journal",
      `${record.ignoredLines} unreadable line(s) ignored (a write cut by a crash)`,
    ]);
  }
  return `<table class="summary">${
    rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")
  }</table>`;
}

function values(title: string, entries: Record<string, unknown>): string {
  if (Object.keys(entries).length === 0) return "";
  return `<h2>${esc(title)}</h2>\n${valueHtml(entries, 0)}`;
}

function stepHtml(step: StepRecord, n: number, { state }: ReportModel): string {
  const facts = stepFacts(step, state.startedMs, {
    code: (v) => `<code>${esc(v)}</code>`,
    text: esc,
  });
  const skip = skipText(step);
  // A step its undo compensated reads rolled_back, as the notebook's cells do.
  const status = step.status === "succeeded" && isUndone(step) ? "rolled_back" : step.status;
  const parts = [
    `<section class="step ${esc(status)}" id="step-${esc(step.id)}">`,
    `<h3>${n}. <code>${esc(step.id)}</code> <span class="badge ${esc(status)}">${
      esc(status)
    }</span>${skip}</h3>`,
  ];
  if (facts.length > 0) parts.push(`<div class="facts">${facts.join(" · ")}</div>`);
  if (step.error !== undefined) parts.push(errorHtml(step.error, step.continued === true));
  if (step.earlier.length > 0) {
    const rows = earlierRows(step, state.startedMs).map((row) =>
      `<tr>${row.map((text) => `<td>${esc(text)}</td>`).join("")}</tr>`
    );
    parts.push(
      `<h4>Earlier tries (${step.earlier.length})</h4>`,
      `<table class="earlier"><tr>${
        EARLIER_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join("")
      }</tr>${rows.join("")}</table>`,
    );
  }
  if (step.retries.length > 0) {
    const rows = step.retries.slice(0, MAX_ROWS).map((r) =>
      `<tr class="warn"><td>${
        esc(offsetText(r.timeMs, state.startedMs))
      }</td><td>${r.attempt}</td><td>${r.index ?? ""}</td>` +
      `<td><code>${esc(r.error.code)}</code></td><td>${esc(r.error.message)}</td>` +
      `<td>${
        r.retryInMs !== undefined ? `in ${esc(formatDurationMs(r.retryInMs))}` : "none"
      }</td></tr>`
    );
    parts.push(
      "<h4>Failed attempts</h4>",
      `<table><tr><th>time</th><th>attempt</th><th>item</th><th>error</th><th>message</th><th>next try</th></tr>${
        rows.join("")
      }</table>`,
    );
  }
  if (step.itemRecords.length > 0) {
    const items = [...step.itemRecords].sort((a, b) => a.index - b.index);
    const rows = items.slice(0, MAX_ROWS).map((item) =>
      `<tr class="${item.status === "succeeded" ? "ok" : "warn"}"><td>${item.index}</td>` +
      `<td><span class="badge ${esc(item.status)}">${esc(item.status)}</span></td>` +
      `<td>${item.attempts}</td><td>${
        item.error !== undefined
          ? `<code>${esc(item.error.code)}</code> ${esc(item.error.message)}`
          : ""
      }</td></tr>`
    );
    parts.push(
      "<h4>Items</h4>",
      `<table><tr><th>item</th><th>status</th><th>attempts</th><th>error</th></tr>${
        rows.join("")
      }</table>`,
    );
  }
  if (step.requests.length > 0) {
    const shown = step.requests.slice(0, MAX_REQUESTS);
    const more = step.requests.length - shown.length;
    parts.push(
      `<h4>Request${step.requests.length === 1 ? "" : "s"}</h4>`,
      ...shown.map((request) => `<pre>${esc(jsonText(request))}</pre>`),
    );
    if (more > 0) parts.push(`<p class="more">… ${more} more request(s) not shown</p>`);
  }
  if (step.status === "succeeded" && step.outputs !== null && step.outputs !== undefined) {
    parts.push(
      `<h4>${step.kind === "action" ? "Response (outputs)" : "Outputs"}${
        status === "rolled_back" ? ", undone since" : ""
      }</h4>`,
      valueHtml(step.outputs, 0),
    );
  }
  for (const undo of step.undo) {
    const item = undo.index !== undefined ? ` item ${undo.index}` : "";
    parts.push(
      `<h4>Undo${item}: <code>${esc(undo.action)}</code> <span class="badge ${esc(undo.status)}">${
        esc(undo.status)
      }</span></h4>`,
    );
    if (undo.request !== undefined) parts.push(`<pre>${esc(jsonText(undo.request))}</pre>`);
    if (undo.error !== undefined) parts.push(errorHtml(undo.error, false));
  }
  parts.push("</section>");
  return parts.join("\n");
}

function timeline({ state }: ReportModel): string {
  if (state.timeline.length === 0) return "";
  const rows = state.timeline.map((e) =>
    `<tr class="${e.severity}"><td>${esc(formatTime(e.timeMs).slice(11, 23))}</td>` +
    `<td>${esc(offsetText(e.timeMs, state.startedMs))}</td><td>${esc(e.text)}</td></tr>`
  );
  return `<h2>Timeline</h2>\n<table class="timeline"><tr><th>time (UTC)</th><th>since start</th><th>event</th></tr>\n${
    rows.join("\n")
  }\n</table>`;
}

function errorHtml(error: ErrorInfo, continued: boolean): string {
  const id = error.requestId !== undefined
    ? ` (request id <code>${esc(error.requestId)}</code>)`
    : "";
  const note = continued ? " — continued (<code>on_error: continue</code>)" : "";
  return `<div class="error" role="alert"><strong>${esc(error.code)}</strong>${id}${note}<br>${
    esc(error.message)
  }</div>`;
}

/**
 * A value as HTML: arrays of objects as tables, objects as name/value tables, scalars as text;
 * deeper levels as JSON.
 */
export function valueHtml(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "<code>[]</code>";
    if (depth < 3 && value.every(isRecord)) {
      const rows = value.slice(0, MAX_ROWS);
      const columns = columnsOf(rows);
      const head = `<tr><th>#</th>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
      const body = rows.map((row, i) =>
        `<tr><td>${i}</td>${
          columns.map((c) => `<td>${Object.hasOwn(row, c) ? cellHtml(row[c], depth + 1) : ""}</td>`)
            .join("")
        }</tr>`
      );
      const more = value.length > rows.length
        ? `<p class="more">… ${value.length - rows.length} more rows not shown</p>`
        : "";
      return `<table>${head}${body.join("")}</table>${more}`;
    }
    return `<pre>${esc(jsonText(value))}</pre>`;
  }
  if (isRecord(value)) {
    if (depth >= 3) return `<pre>${esc(jsonText(value))}</pre>`;
    const entries = Object.entries(value);
    if (entries.length === 0) return "<code>{}</code>";
    return `<table class="kv">${
      entries.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cellHtml(v, depth + 1)}</td></tr>`).join(
        "",
      )
    }</table>`;
  }
  return cellHtml(value, depth);
}

function cellHtml(value: unknown, depth: number): string {
  if (value === null || value === undefined) return '<span class="more">null</span>';
  if (typeof value === "string") return esc(value);
  if (typeof value !== "object" || value instanceof JsonNumber) {
    return `<code>${esc(inlineText(value))}</code>`;
  }
  if (depth < 3) return valueHtml(value, depth);
  return `<code>${esc(inlineText(value))}</code>`;
}

/** Escapes text for HTML content and attribute values. */
export function esc(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

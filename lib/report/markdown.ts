/**
 * A run as Markdown: summary, inputs, outputs, each step (request, response, retries, errors,
 * compensations) and the timeline. Everything shown comes from the journal, which holds no
 * secret values (they were redacted before they were written).
 *
 * @module
 */
import type { ErrorInfo } from "../journal/events.ts";
import { activeDurationMs, isUndone, type StepRecord } from "../journal/replay.ts";
import type { RunRecord } from "../journal/store.ts";
import {
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

/**
 * Renders a run as Markdown.
 *
 * @example
 * ```ts
 * import { renderMarkdown } from "./markdown.ts";
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
 * console.log(renderMarkdown(await store.read("run-1"))); // # Run `run-1`: t …
 * ```
 */
export function renderMarkdown(record: RunRecord, options: ReportOptions = {}): string {
  const model = reportModel(record, options);
  return [
    ...summary(model),
    ...valuesSection("Inputs", model.state.inputs),
    ...valuesSection("Outputs", model.state.outputs),
    "## Steps",
    "",
    ...model.state.steps.flatMap((step, i) => stepSection(step, i + 1, model)),
    ...timeline(model),
  ].join("\n");
}

function summary({ record, state, status }: ReportModel): string[] {
  const { meta } = record;
  const lines = [
    `# Run ${code(meta.runId)}: ${text(meta.workflow)}`,
    "",
    "| | |",
    "| --- | --- |",
    `| Status | **${status}** |`,
    `| Workflow | ${code(meta.workflow)} from ${code(meta.file)} |`,
    `| Started | ${formatTime(meta.startedMs)} |`,
    `| Duration | ${formatDurationMs(activeDurationMs(record.events, meta.startedMs))} |`,
    `| Steps | ${countsText(state)} |`,
  ];
  if (state.sessions > 1) {
    lines.push(`| Sessions | ${state.sessions} (resumed ${state.sessions - 1}×) |`);
  }
  if (state.inFlight.length > 0) {
    lines.push(`| In flight | ${state.inFlight.map(code).join(", ")} |`);
  }
  if (record.ignoredLines > 0) {
    lines.push(
      `| Journal | ${record.ignoredLines} unreadable line(s) ignored (a write cut by a crash) |`,
    );
  }
  lines.push("");
  return lines;
}

function valuesSection(title: string, values: Record<string, unknown>): string[] {
  const entries = Object.entries(values);
  if (entries.length === 0) return [];
  return [
    `## ${title}`,
    "",
    "| name | value |",
    "| --- | --- |",
    ...entries.map(([name, value]) => `| ${code(name)} | ${cell(inlineText(value))} |`),
    "",
  ];
}

function stepSection(step: StepRecord, n: number, { state }: ReportModel): string[] {
  const facts = stepFacts(step, state.startedMs, { code, text });
  const skip = skipText(step);
  // A step its undo compensated reads rolled_back, as the notebook's cells do.
  const undone = step.status === "succeeded" && isUndone(step);
  const lines = [
    `### ${n}. ${code(step.id)}: ${statusText(undone ? "rolled_back" : step.status)}${skip}`,
    "",
  ];
  if (facts.length > 0) lines.push(facts.join(" · "), "");
  if (step.error !== undefined) lines.push(...errorBlock(step.error, step.continued === true));
  if (step.earlier.length > 0) {
    lines.push(
      `**Earlier tries** (${step.earlier.length}; the last try is shown below)`,
      "",
      `| ${EARLIER_COLUMNS.join(" | ")} |`,
      `| ${EARLIER_COLUMNS.map(() => "---").join(" | ")} |`,
      ...earlierRows(step, state.startedMs).map((row) => `| ${row.map(cell).join(" | ")} |`),
      "",
    );
  }
  if (step.retries.length > 0) {
    lines.push(
      "**Failed attempts**",
      "",
      "| time | attempt | item | error | message | next try |",
      "| --- | --- | --- | --- | --- | --- |",
      ...step.retries.slice(0, MAX_ROWS).map((r) =>
        `| ${offsetText(r.timeMs, state.startedMs)} | ${r.attempt} | ${r.index ?? ""} | ${
          code(r.error.code)
        } | ${cell(r.error.message)} | ${
          r.retryInMs !== undefined ? `in ${formatDurationMs(r.retryInMs)}` : "none"
        } |`
      ),
      "",
    );
  }
  if (step.itemRecords.length > 0) {
    const items = [...step.itemRecords].sort((a, b) => a.index - b.index);
    lines.push(
      "**Items**",
      "",
      "| item | status | attempts | error |",
      "| --- | --- | --- | --- |",
      ...items.slice(0, MAX_ROWS).map((item) =>
        `| ${item.index} | ${statusText(item.status)} | ${item.attempts} | ${
          item.error !== undefined ? `${code(item.error.code)} ${cell(item.error.message)}` : ""
        } |`
      ),
      "",
    );
  }
  if (step.requests.length > 0) {
    const shown = step.requests.slice(0, MAX_REQUESTS);
    const more = step.requests.length - shown.length;
    lines.push(
      `**Request${step.requests.length === 1 ? "" : "s"}**${
        more > 0 ? ` (first ${shown.length} of ${step.requests.length})` : ""
      }`,
      "",
      ...fenced(jsonText(shown.length === 1 ? shown[0] : shown), "json"),
      "",
    );
  }
  if (step.status === "succeeded" && step.outputs !== null && step.outputs !== undefined) {
    lines.push(
      `**${step.kind === "action" ? "Response (outputs)" : "Outputs"}${
        undone ? ", undone since" : ""
      }**`,
      "",
      ...fenced(jsonText(step.outputs), "json"),
      "",
    );
  }
  for (const undo of step.undo) {
    const item = undo.index !== undefined ? ` item ${undo.index}` : "";
    lines.push(
      `**Undo${item}** ${code(undo.action)}: ${undo.status}${
        undo.requestId ? ` (request id ${code(undo.requestId)})` : ""
      }`,
      "",
    );
    if (undo.request !== undefined) lines.push(...fenced(jsonText(undo.request), "json"), "");
    if (undo.error !== undefined) lines.push(...errorBlock(undo.error, false));
  }
  return lines;
}

function timeline({ state }: ReportModel): string[] {
  if (state.timeline.length === 0) return [];
  return [
    "## Timeline",
    "",
    "| time (UTC) | since start | event |",
    "| --- | --- | --- |",
    ...state.timeline.map((e) => {
      const mark = e.severity === "error"
        ? "✗ "
        : e.severity === "warn"
        ? "↻ "
        : e.severity === "ok"
        ? "✓ "
        : "";
      return `| ${formatTime(e.timeMs).slice(11, 23)} | ${
        offsetText(e.timeMs, state.startedMs)
      } | ${mark}${cell(e.text)} |`;
    }),
    "",
  ];
}

function errorBlock(error: ErrorInfo, continued: boolean): string[] {
  const id = error.requestId !== undefined ? ` (request id ${code(error.requestId)})` : "";
  const lines = [
    `> **Error ${code(error.code)}**${id}${continued ? ", continued (`on_error: continue`)" : ""}`,
    ">",
  ];
  for (const line of error.message.split("\n")) lines.push(`> ${text(line)}`);
  lines.push("");
  return lines;
}

function statusText(status: string): string {
  const mark: Record<string, string> = {
    succeeded: "✓",
    failed: "✗",
    uncertain: "?",
    skipped: "–",
    running: "…",
    pending: "·",
    rolled_back: "↩",
  };
  return `${mark[status] ?? ""} ${status}`.trim();
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(body: string, lang: string): string[] {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, body, fence];
}

/** Inline code that survives backticks and table pipes. */
function code(value: string): string {
  const clean = value.replace(/\r?\n/g, " ").replaceAll("|", "\\|");
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${ticks}${pad}${clean}${pad}${ticks}`;
}

/** Text in a table cell: one line, pipes escaped, HTML-ish characters neutralised. */
function cell(value: string): string {
  const flat = value.replace(/\r?\n/g, " ");
  const cut = flat.length > 500 ? `${flat.slice(0, 500)}…` : flat;
  return text(cut).replaceAll("|", "\\|");
}

/** Markdown text with HTML disabled (`<` and `&` escaped), so a value cannot inject markup. */
function text(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

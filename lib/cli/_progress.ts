/**
 * Live progress of a run on stderr: one line per finished step (status, attempts, duration),
 * retries as they happen, `foreach` and pagination counts, and the final summary. Events are
 * already redacted by the executor.
 *
 * @module
 */
import type { RunEventHandlers, RunSink } from "../journal/events.ts";
import { handleEvent } from "../journal/events.ts";
import type { RunResult } from "../engine/executor.ts";

/** Options of {@link progressSink}. */
export interface ProgressOptions {
  write(text: string): void;
  color: boolean;
}

const paint = (
  on: boolean,
  code: string,
  text: string,
) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/** Seconds with one decimal: `1.2s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A sink that prints progress lines. */
export function progressSink(options: ProgressOptions): RunSink {
  const { write, color } = options;
  const green = (t: string) => paint(color, "32", t);
  const red = (t: string) => paint(color, "31", t);
  const yellow = (t: string) => paint(color, "33", t);
  const dim = (t: string) => paint(color, "2", t);
  /** What is known of each running step: its action, `foreach` size, pages fetched. */
  const steps = new Map<string, { action?: string; items?: number; pages: number }>();
  const handlers: RunEventHandlers<string | undefined> = {
    "run-started": (e) =>
      `${dim("▶")} run ${e.runId}: ${e.workflow} (${plural(e.stepIds.length, "step")})`,
    "step-started": (e) => {
      steps.set(e.stepId, {
        ...(e.action !== undefined ? { action: e.action } : {}),
        ...(e.items !== undefined ? { items: e.items } : {}),
        pages: 0,
      });
      return undefined;
    },
    "attempt-failed": (e) => {
      if (e.retryInMs === undefined) return undefined; // the step's own line says why
      const item = e.index !== undefined ? ` item ${e.index}` : "";
      return `  ${yellow("↻")} ${e.stepId}${item}: attempt ${e.attempt} failed (${e.error.code});` +
        ` retrying in ${formatDuration(e.retryInMs)}`;
    },
    "step-succeeded": (e) =>
      `${green("✓")} ${e.stepId}${action(e.stepId)}${detail(e.stepId, e.attempts)}  ${
        formatDuration(e.durationMs)
      }`,
    "step-failed": (e) =>
      `${red("✗")} ${e.stepId}${action(e.stepId)}  failed${
        detail(e.stepId, e.attempts, "after")
      }  ${formatDuration(e.durationMs)}\n    ${e.error.code}: ${e.error.message}${
        e.continued ? dim(" (on_error: continue)") : ""
      }`,
    "step-skipped": (e) =>
      e.reason === "when"
        ? `${dim("-")} ${e.stepId}  skipped (when is false)`
        : e.reason === "resumed"
        ? `${dim("=")} ${e.stepId}  done in an earlier run`
        : `${dim("-")} ${e.stepId}  not run`,
    "step-uncertain": (e) =>
      `${yellow("?")} ${e.stepId}${action(e.stepId)}  uncertain${
        detail(e.stepId, e.attempts, "after")
      }\n    ${e.error.code}: ${e.error.message}`,
    "item-started": () => undefined,
    "item-finished": (e) =>
      e.status === "succeeded"
        ? undefined
        : `  ${
          e.status === "failed" ? red("✗") : yellow("?")
        } ${e.stepId} item ${e.index}: ${e.status}${
          e.error !== undefined ? ` (${e.error.code})` : ""
        }`,
    "foreach-progress": (e) =>
      e.done === 0
        ? undefined
        : `  ${dim("…")} ${e.stepId}: ${e.done}/${e.total} items${
          e.failed > 0 ? `, ${e.failed} failed` : ""
        }`,
    "page-fetched": (e) => {
      const known = steps.get(e.stepId);
      if (known !== undefined) known.pages++;
      const item = e.index !== undefined ? ` item ${e.index}` : "";
      const total = e.total !== undefined ? `/${e.total}` : "";
      return `  ${dim("…")} ${e.stepId}${item}: page ${e.page}, ${e.items}${total} items`;
    },
    "poll-waiting": (e) =>
      `  ${dim("…")} ${e.stepId}: until is false (poll ${e.poll}); next in ${
        formatDuration(e.nextInMs)
      }`,
    "run-finished": () => undefined,
    "undo-started": (e) =>
      `  ${dim("↩")} undo ${e.stepId}${
        e.index !== undefined ? ` item ${e.index}` : ""
      }: ${e.action}`,
    "undo-succeeded": (e) =>
      `  ${green("↩")} undone ${e.stepId}${e.index !== undefined ? ` item ${e.index}` : ""}${
        e.alreadyGone ? dim(" (already gone)") : ""
      }`,
    "undo-failed": (e) =>
      `  ${red("↩")} undo of ${e.stepId}${
        e.index !== undefined ? ` item ${e.index}` : ""
      } failed: ${e.error.code}: ${e.error.message}`,
    "rollback-finished": (e) =>
      e.status === "rolled_back"
        ? `${green("↩")} rolled back (${plural(e.undone, "compensation")})`
        : `${red("↩")} rollback incomplete: ${e.failed} failed, ${e.undone} undone`,
  };
  function action(stepId: string): string {
    const name = steps.get(stepId)?.action;
    return name === undefined ? "" : `  ${dim(name)}`;
  }
  /** `3 attempts`, `2 items · 4 requests`, `5 pages`; nothing for steps that send nothing. */
  function detail(stepId: string, requests: number, prefix?: string): string {
    const text = detailText(stepId, requests);
    if (text === "") return "";
    return prefix !== undefined ? ` ${prefix} ${text}` : `  ${text}`;
  }
  function detailText(stepId: string, requests: number): string {
    const known = steps.get(stepId);
    if (known?.action === undefined) return "";
    let text: string;
    if (known.items !== undefined) {
      text = `${plural(known.items, "item")} · ${plural(requests, "request")}`;
    } else if (known.pages > 0) {
      text = `${plural(known.pages, "page")} · ${plural(requests, "request")}`;
    } else {
      text = plural(requests, "attempt");
    }
    return text;
  }
  return {
    append(event) {
      const line = handleEvent(event, handlers);
      if (line !== undefined) write(line + "\n");
      return Promise.resolve();
    },
  };
}

/** The final summary of a run. */
export function formatSummary(result: RunResult, durationMs: number, color: boolean): string {
  const counts = new Map<string, number>();
  for (const step of result.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const parts = ["succeeded", "failed", "uncertain", "skipped"]
    .filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${status}`);
  const head = result.status === "succeeded"
    ? paint(color, "32", "succeeded")
    : result.status === "rolled_back"
    ? paint(color, "33", "FAILED and ROLLED BACK")
    : result.status === "uncertain"
    ? paint(color, "33", "UNCERTAIN (an outcome is unknown: look before resuming)")
    : paint(color, "31", "FAILED");
  return `run ${result.run_id} ${head} in ${formatDuration(durationMs)}: ${parts.join(", ")}\n`;
}

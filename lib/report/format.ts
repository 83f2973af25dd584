/**
 * Helpers shared by the Markdown and HTML reports.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import type { RunRecord, RunStatus } from "../journal/store.ts";
import {
  type EarlierTry,
  replay,
  type RunState,
  stepCounts,
  type StepRecord,
} from "../journal/replay.ts";

/** A run ready to render: its record, its folded state and its listed status. */
export interface ReportModel {
  record: RunRecord;
  state: RunState;
  status: RunStatus;
}

/** Options of the reports. */
export interface ReportOptions {
  /** The inputs to show (redacted) instead of the first session's: a notebook's after `set`. */
  inputs?: Record<string, unknown>;
}

/** Folds a record for rendering. */
export function reportModel(record: RunRecord, options: ReportOptions = {}): ReportModel {
  const state = replay(record.events, record.meta);
  if (options.inputs !== undefined) state.inputs = options.inputs;
  const status: RunStatus = state.status === "running"
    ? (record.locked ? "running" : "interrupted")
    : state.status;
  return { record, state, status };
}

/** Longest JSON text shown for one value; longer text is cut with a note. */
export const MAX_JSON_CHARS = 20_000;
/** Most requests shown per step. */
export const MAX_REQUESTS = 20;
/** Most rows of a table. */
export const MAX_ROWS = 200;

/** `2026-11-23 10:45:12.345 UTC`. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`. */
export function formatDurationMs(ms: number): string {
  const v = Math.max(0, Math.round(ms));
  if (v < 1000) return `${v} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(1)} s`;
  if (v < 3_600_000) return `${Math.floor(v / 60_000)} min ${Math.round((v % 60_000) / 1000)} s`;
  return `${Math.floor(v / 3_600_000)} h ${Math.round((v % 3_600_000) / 60_000)} min`;
}

/** `+1.250 s` from the run's start. */
export function offsetText(ms: number, startMs: number): string {
  return `+${((ms - startMs) / 1000).toFixed(3)} s`;
}

/** `3 succeeded, 1 failed, 2 skipped`. */
export function countsText(state: RunState): string {
  const counts = stepCounts(state);
  const order = [
    "succeeded",
    "rolled_back",
    "failed",
    "uncertain",
    "skipped",
    "running",
    "pending",
  ];
  return order.filter((s) => counts[s] !== undefined).map((s) => `${counts[s]} ${s}`).join(", ") ||
    "no steps";
}

/** Pretty JSON (bigint exact), cut at {@link MAX_JSON_CHARS}. */
export function jsonText(value: unknown): string {
  const text = stringifyJson(value === undefined ? null : value, 2) ?? "null";
  if (text.length <= MAX_JSON_CHARS) return text;
  return `${text.slice(0, MAX_JSON_CHARS)}\n… (${
    text.length - MAX_JSON_CHARS
  } more characters not shown)`;
}

/** One-line JSON of a value (strings as they are), for table cells. */
export function inlineText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return stringifyJson(value) ?? "";
}

/** The columns of a table of objects: every key, in order of first appearance. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows.slice(0, MAX_ROWS)) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** `1 page`, `3 pages`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The facts line of a step (action, region, requests, duration, start, request id, items,
 * pages, polls, sessions), shared by both reports; `code` formats identifiers and `text`
 * escapes plain text for the target format.
 */
export function stepFacts(
  step: StepRecord,
  runStartMs: number,
  format: { code(value: string): string; text(value: string): string },
): string[] {
  const { code, text } = format;
  const facts: string[] = [];
  if (step.action !== undefined) facts.push(`action ${code(step.action)}`);
  else if (step.kind !== undefined) facts.push(text(`${step.kind} step`));
  if (step.region !== undefined) facts.push(`region ${code(step.region)}`);
  if (step.attempts > 0) facts.push(plural(step.attempts, "request"));
  if (step.durationMs !== undefined) facts.push(text(formatDurationMs(step.durationMs)));
  if (step.startedMs !== undefined) {
    facts.push(text(`started ${offsetText(step.startedMs, runStartMs)}`));
  }
  if (step.requestId !== undefined) facts.push(`request id ${code(step.requestId)}`);
  if (step.items !== undefined) facts.push(plural(step.items, "item"));
  if (step.pages > 0) facts.push(plural(step.pages, "page"));
  if (step.polls > 0) facts.push(plural(step.polls, "poll"));
  if (step.tries > 1) facts.push(`tried in ${step.tries} sessions`);
  return facts;
}

/** ` (when is false)`, ` (not reached)` or nothing. */
export function skipText(step: StepRecord): string {
  return step.skipReason === "when"
    ? " (when is false)"
    : step.skipReason === "not-reached"
    ? " (not reached)"
    : step.skipReason === "user"
    ? " (skipped in the notebook)"
    : "";
}

/**
 * The rows of a step's earlier tries (a notebook cell run again, a step retried by `resume`):
 * try number, start offset, status (`, undone` when compensated), requests, request id, error.
 */
export function earlierRows(step: StepRecord, runStartMs: number): string[][] {
  return step.earlier.slice(-MAX_ROWS).map((t: EarlierTry, i) => [
    String(i + 1),
    t.startedMs !== undefined ? offsetText(t.startedMs, runStartMs) : "",
    `${t.status}${t.undone ? ", undone" : ""}`,
    String(t.attempts),
    t.requestId ?? "",
    t.error !== undefined ? `${t.error.code}: ${t.error.message}` : "",
  ]);
}

/** Column titles of {@link earlierRows}. */
export const EARLIER_COLUMNS = ["try", "started", "status", "requests", "request id", "error"];

/**
 * The journal's text form: one JSON document per event, integers exact (`lib/json.ts`).
 *
 * Values inside events (inputs, requests, outputs) keep the runtime representation of
 * expressions: integers are read back as `bigint`, so a `uint64` from a response recorded by
 * one process reaches a later request of `resume` unchanged. The event's own counters and
 * times (`timeMs`, `attempts`, `durationMs`, `index`…) are read back as numbers, one decoder
 * per event type.
 *
 * @module
 */
import type { RunEvent, RunEventType } from "../engine/events.ts";
import { parseJson, stringifyJson } from "../json.ts";
import { JOURNAL_FORMAT, type RunMeta } from "./store.ts";

/**
 * The numeric fields of each event type, converted back to numbers by the decoder. A mapped type
 * over every event type: a new event type fails the type check until it is listed here.
 */
const NUMBER_FIELDS: { [T in RunEventType]: readonly string[] } = {
  "run-started": ["timeMs"],
  "step-started": ["timeMs", "items"],
  "attempt-failed": ["timeMs", "index", "attempt", "retryInMs"],
  "step-succeeded": ["timeMs", "attempts", "durationMs"],
  "step-failed": ["timeMs", "attempts", "durationMs"],
  "step-skipped": ["timeMs"],
  "step-uncertain": ["timeMs", "attempts", "durationMs"],
  "item-started": ["timeMs", "index"],
  "item-finished": ["timeMs", "index", "attempts"],
  "foreach-progress": ["timeMs", "done", "failed", "total"],
  "page-fetched": ["timeMs", "index", "page", "items", "total"],
  "poll-waiting": ["timeMs", "index", "poll", "nextInMs"],
  "run-finished": ["timeMs", "durationMs"],
  "undo-started": ["timeMs", "index"],
  "undo-succeeded": ["timeMs", "index"],
  "undo-failed": ["timeMs", "index"],
  "rollback-finished": ["timeMs", "undone", "failed"],
};

/** Every event type, for checks of decoded lines. */
export const EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(NUMBER_FIELDS));

/** One event as a journal line (with the final newline). */
export function encodeEvent(event: RunEvent): string {
  return stringifyJson(event) + "\n";
}

/**
 * An event from a journal line (without the newline).
 *
 * @throws {SyntaxError} not JSON, or not an event of a known type
 */
export function decodeEvent(line: string): RunEvent {
  const value = parseJson(line, "bigint");
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyntaxError("not a JSON object");
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== "string" || !EVENT_TYPES.has(type)) {
    throw new SyntaxError(`unknown event type ${JSON.stringify(type)}`);
  }
  for (const field of NUMBER_FIELDS[type as RunEventType]) {
    const v = record[field];
    if (typeof v === "bigint") record[field] = Number(v);
  }
  return record as unknown as RunEvent;
}

/** The meta document's text. */
export function encodeMeta(meta: RunMeta): string {
  return stringifyJson(meta, 2) + "\n";
}

/**
 * A meta document from its text.
 *
 * @throws {SyntaxError} not JSON or not a run meta of a known format
 */
export function decodeMeta(text: string): RunMeta {
  const value = parseJson(text, "bigint");
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyntaxError("meta.json is not a JSON object");
  }
  const meta = value as Record<string, unknown>;
  const format = typeof meta.format === "bigint" ? Number(meta.format) : meta.format;
  if (typeof format !== "number" || format > JOURNAL_FORMAT) {
    throw new SyntaxError(
      `meta.json has format ${String(format)}; this tcflow reads ${JOURNAL_FORMAT}`,
    );
  }
  for (const key of ["runId", "workflow", "file", "workflowSource", "workflowSha256"]) {
    if (typeof meta[key] !== "string") {
      throw new SyntaxError(`meta.json: \`${key}\` is not a string`);
    }
  }
  const startedMs = typeof meta.startedMs === "bigint" ? Number(meta.startedMs) : meta.startedMs;
  if (typeof startedMs !== "number") {
    throw new SyntaxError("meta.json: `startedMs` is not a number");
  }
  const inputs = meta.inputs;
  if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs)) {
    throw new SyntaxError("meta.json: `inputs` is not an object");
  }
  const names = meta.secretInputNames;
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
    throw new SyntaxError("meta.json: `secretInputNames` is not a list of names");
  }
  if (meta.region !== undefined && typeof meta.region !== "string") {
    throw new SyntaxError("meta.json: `region` is not a string");
  }
  return { ...(meta as unknown as RunMeta), format, startedMs };
}

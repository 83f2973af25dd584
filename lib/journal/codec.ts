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
import type { RunEvent, RunEventType } from "./events.ts";
import { parseJson, stringifyJson } from "../json.ts";
import { frame, unframe } from "./record.ts";
import { JOURNAL_FORMAT, type RunMeta } from "./store.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function startsWithText(bytes: Uint8Array, text: string): boolean {
  const prefix = encoder.encode(text);
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

/**
 * The numeric fields of each event type, converted back to numbers by the decoder. A mapped type
 * over every event type: a new event type fails the type check until it is listed here.
 */
const NUMBER_FIELDS: { [T in RunEventType]: readonly string[] } = {
  "run-started": ["timeMs"],
  "step-started": ["timeMs", "items"],
  "attempt-failed": ["timeMs", "index", "attempt", "retryInMs"],
  "step-succeeded": ["timeMs", "attempts", "durationMs", "pagedItems", "itemOutputs"],
  "step-failed": ["timeMs", "attempts", "durationMs"],
  "step-skipped": ["timeMs"],
  "step-uncertain": ["timeMs", "attempts", "durationMs"],
  "item-started": ["timeMs", "index"],
  "item-finished": ["timeMs", "index", "attempts", "pagedItems"],
  "foreach-progress": ["timeMs", "done", "failed", "total"],
  "page-fetched": ["timeMs", "index", "page", "items", "total"],
  "poll-waiting": ["timeMs", "index", "poll", "nextInMs", "startedMs"],
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

/**
 * The meta document's text: framed with its length and checksum in format 2
 * (`{"format":2,"n":…,"crc32":"…","meta":{…}}`), plain JSON for a format 1 meta.
 */
export function encodeMeta(meta: RunMeta): string {
  const json = stringifyJson(meta, 2);
  return (meta.format >= 2
    ? frame(json, "meta", { head: `"format":${meta.format},` }).text
    : json) +
    "\n";
}

/**
 * A meta document from its bytes (or text), checked against its length and checksum in format 2.
 *
 * @throws {SyntaxError} a damaged frame, not JSON, or not a run meta of a known format
 */
export function decodeMeta(content: string | Uint8Array): RunMeta {
  const bytes = typeof content === "string" ? encoder.encode(content) : content;
  let text: string;
  const head = `{"format":${JOURNAL_FORMAT},`;
  if (startsWithText(bytes, head)) {
    const body = bytes.at(-1) === 0x0a ? bytes.subarray(0, -1) : bytes;
    const unframed = unframe(body, "meta", { head: `"format":${JOURNAL_FORMAT},` });
    if (!unframed.ok) throw new SyntaxError(`meta.json: ${unframed.reason}`);
    text = unframed.json;
  } else {
    text = new TextDecoder().decode(bytes);
  }
  const value = parseJson(text, "bigint");
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyntaxError("meta.json is not a JSON object");
  }
  const meta = value as Record<string, unknown>;
  const format = typeof meta.format === "bigint" ? Number(meta.format) : meta.format;
  if (typeof format !== "number" || !Number.isInteger(format) || format < 1) {
    throw new SyntaxError("meta.json: `format` is not a journal format");
  }
  if (format > JOURNAL_FORMAT) {
    throw new SyntaxError(
      `meta.json has format ${String(format)}; this tcflow reads up to ${JOURNAL_FORMAT}`,
    );
  }
  if (format >= 2 && text === new TextDecoder().decode(bytes)) {
    throw new SyntaxError("meta.json: a format 2 meta without its checksum");
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
  const target = meta.target;
  if (
    target !== undefined && (target === null || typeof target !== "object" || Array.isArray(target))
  ) {
    throw new SyntaxError("meta.json: `target` is not an object");
  }
  return { ...(meta as unknown as RunMeta), format, startedMs };
}

/** What a journal's bytes hold. */
export interface ParsedJournal {
  /** The events of the good records, in order. */
  events: RunEvent[];
  /** 1 when a torn last record (bytes after the last newline) was ignored, else 0. */
  ignoredLines: number;
  /** Why the journal is damaged (a record other than a torn last one does not check). */
  damaged?: string;
  /** The chained checksum of the last good record (format 2; 0 for none): appends continue it. */
  chain: number;
}

/**
 * The events of a journal's bytes, in the given format (1: plain JSON lines; 2: framed
 * records). Bytes after the last newline are a torn last record, ignored. Any other record
 * that does not check (a bad checksum or length, garbage, an unknown event) stops the reading: the journal is damaged, and the reason names the line.
 */
export function parseJournal(bytes: Uint8Array, format: number): ParsedJournal {
  const events: RunEvent[] = [];
  const state = { chain: 0 };
  let start = 0;
  let line = 0;
  while (true) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) break;
    line++;
    const record = bytes.subarray(start, end);
    start = end + 1;
    const why = readRecord(record, format, events, state);
    if (why !== undefined) {
      return {
        events,
        ignoredLines: 0,
        damaged: `events.jsonl line ${line}: ${why}`,
        chain: state.chain,
      };
    }
  }
  return { events, ignoredLines: start < bytes.length ? 1 : 0, chain: state.chain };
}

/** Decodes one record into `events`; returns why it is not a good record. */
function readRecord(
  record: Uint8Array,
  format: number,
  events: RunEvent[],
  state: { chain: number },
): string | undefined {
  let json: string;
  if (format >= 2) {
    const unframed = unframe(record, "e", { chain: state.chain });
    if (!unframed.ok) return unframed.reason;
    json = unframed.json;
    state.chain = unframed.crc;
  } else {
    try {
      json = decoder.decode(record);
    } catch {
      return "not UTF-8";
    }
    if (json.trim() === "") return undefined; // format 1 readers skipped blank lines
  }
  try {
    events.push(decodeEvent(json));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * One event as a line of a journal of the given format (with the final newline): a framed
 * record in format 2, its checksum continuing `chain` (the last record's), plain JSON in
 * format 1 (a resumed old run keeps its format). Returns the line and the chain after it.
 */
export function encodeJournalLine(
  event: RunEvent,
  format: number,
  chain: number,
): { line: string; chain: number } {
  if (format < 2) return { line: encodeEvent(event), chain };
  const { text, crc } = frame(stringifyJson(event), "e", { chain });
  return { line: text + "\n", chain: crc };
}

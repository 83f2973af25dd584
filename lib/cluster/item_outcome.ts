/**
 * An item's outcome as stored in `tcflow_items.outcome` (JSON text, integers exact): written
 * by the worker that sent it, read by the run's owner.
 *
 * @module
 */
import type { RemoteOutcome } from "../engine/item_dispatch.ts";
import { decodeEvent, encodeEvent } from "../journal/codec.ts";
import { parseJson, stringifyJson } from "../json.ts";

/** The stored text of an outcome (its index is the row's). */
export function encodeOutcome(outcome: Omit<RemoteOutcome, "index">): string {
  const { events, ...rest } = outcome;
  return stringifyJson({ ...rest, events: events.map((e) => encodeEvent(e).trimEnd()) });
}

/**
 * An outcome from its stored text.
 *
 * @throws {SyntaxError} text not written by {@link encodeOutcome}
 */
export function decodeOutcome(text: string): Omit<RemoteOutcome, "index"> {
  const value = parseJson(text, "bigint") as Record<string, unknown>;
  const status = value.status;
  if (status !== "succeeded" && status !== "failed" && status !== "uncertain") {
    throw new SyntaxError(`not an item outcome: status ${String(status)}`);
  }
  const events = Array.isArray(value.events) ? value.events : [];
  const error = value.error as RemoteOutcome["error"] | undefined;
  return {
    status,
    attempts: Number(value.attempts ?? 0),
    outputs: value.outputs ?? null,
    ...(typeof value.requestId === "string" ? { requestId: value.requestId } : {}),
    ...(error !== undefined ? { error } : {}),
    requests: Array.isArray(value.requests) ? value.requests : [],
    events: events.map((line) => decodeEvent(String(line))),
    ...(value.redacted === true ? { redacted: true } : {}),
  };
}

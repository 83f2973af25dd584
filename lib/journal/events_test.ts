import assert from "node:assert/strict";
import {
  handleEvent,
  MemorySink,
  redactor,
  type RunEvent,
  type RunEventHandlers,
  teeSink,
} from "./events.ts";

Deno.test("redactor replaces secrets everywhere, keys and substrings included", () => {
  const redact = redactor(["s3cret-key", "tok-123456", "x"]);
  const value = {
    a: "Bearer s3cret-key!",
    list: ["tok-123456", 42n, null, true],
    nested: { "tok-123456": "fine", deeper: [{ k: "a s3cret-key b tok-123456" }] },
    x: "x stays (too short to be a secret)",
  };
  assert.deepEqual(redact(value), {
    a: "Bearer ***!",
    list: ["***", 42n, null, true],
    nested: { "***": "fine", deeper: [{ k: "a *** b ***" }] },
    x: "x stays (too short to be a secret)",
  });
  // The input is not changed.
  assert.equal(value.a, "Bearer s3cret-key!");
  // Regular-expression characters in secrets are literal.
  assert.equal(redactor(["a.b*c"])("xa.b*cx a-bbc"), "x***x a-bbc");
  assert.equal(redactor([])("unchanged"), "unchanged");
});

Deno.test("handlers are dispatched by type; sinks keep and tee events", async () => {
  const memory = new MemorySink();
  const other = new MemorySink();
  const sink = teeSink(memory, other);
  const events: RunEvent[] = [
    { type: "step-skipped", timeMs: 1, stepId: "a", reason: "when" },
    { type: "foreach-progress", timeMs: 2, stepId: "b", done: 1, failed: 0, total: 2 },
  ];
  for (const event of events) await sink.append(event);
  assert.deepEqual(memory.events, events);
  assert.deepEqual(other.events, events);
  assert.deepEqual(memory.ofType("step-skipped").map((e) => e.stepId), ["a"]);
  const names: RunEventHandlers<string> = {
    "run-started": () => "run",
    "step-started": () => "start",
    "attempt-failed": () => "attempt",
    "step-succeeded": () => "ok",
    "step-failed": () => "failed",
    "step-skipped": (e) => `skipped:${e.reason}`,
    "step-uncertain": () => "uncertain",
    "item-started": (e) => `item ${e.index}`,
    "item-finished": (e) => `item ${e.index} ${e.status}`,
    "foreach-progress": (e) => `${e.done}/${e.total}`,
    "page-fetched": () => "page",
    "poll-waiting": () => "poll",
    "run-finished": () => "end",
    "undo-started": () => "undo",
    "undo-succeeded": () => "undone",
    "undo-failed": () => "undo-failed",
    "rollback-finished": (e) => e.status,
  };
  assert.deepEqual(events.map((e) => handleEvent(e, names)), ["skipped:when", "1/2"]);
});

Deno.test("redactor hides a number whose digits are a secret and keeps other objects", () => {
  const when = new Date(0);
  const redact = redactor(["482913"]);
  assert.deepEqual(redact({ Pin: 482913n, Code: 482913, Other: 48291, At: when }), {
    Pin: "***",
    Code: "***",
    Other: 48291,
    At: when,
  });
  assert.equal(redact({ At: when }).At, when);
});

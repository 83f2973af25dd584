import assert from "node:assert/strict";
import {
  handleEvent,
  MemorySink,
  type RunEvent,
  type RunEventHandlers,
  teeSink,
} from "./events.ts";

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

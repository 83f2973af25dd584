import assert from "node:assert/strict";
import { encodeEvent, parseJournal } from "./codec.ts";
import type { RunEvent } from "./events.ts";

const enc = new TextEncoder();

Deno.test("format 1 (plain JSON lines): blank lines are skipped, as format 1 readers did", () => {
  const a: RunEvent = { type: "step-skipped", timeMs: 1, stepId: "a", reason: "when" };
  const b: RunEvent = { type: "step-skipped", timeMs: 2, stepId: "b", reason: "when" };
  const bytes = enc.encode(`${encodeEvent(a)}\n\n  \n${encodeEvent(b)}\n`);
  const parsed = parseJournal(bytes, 1);
  assert.equal(parsed.damaged, undefined);
  assert.deepEqual(parsed.events, [a, b]);
  assert.equal(parsed.ignoredLines, 0);
  // Garbage is damage, named by its line.
  const text = `${encodeEvent(a)}\n\nnot json\n`;
  const bad = parseJournal(enc.encode(text), 1);
  const at = text.split("\n").indexOf("not json") + 1;
  assert.equal(bad.damaged?.startsWith(`events.jsonl line ${at}: `), true, bad.damaged);
  assert.deepEqual(bad.events, [a]);
});

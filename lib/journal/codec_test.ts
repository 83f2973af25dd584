import assert from "node:assert/strict";
import { encodeEvent, parseJournal } from "./codec.ts";
import type { RunEvent } from "./events.ts";
import { crc32Of } from "./record.ts";

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

Deno.test("record checksums are the standard CRC-32 (check value of '123456789'), chained", () => {
  assert.equal(crc32Of(enc.encode("123456789")), 0xcbf43926);
  assert.equal(crc32Of(new Uint8Array()), 0);
  // Chaining continues the checksum: two halves give the CRC of the whole.
  assert.equal(crc32Of(enc.encode("56789"), crc32Of(enc.encode("1234"))), 0xcbf43926);
});

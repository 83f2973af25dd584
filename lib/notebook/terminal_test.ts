import assert from "node:assert/strict";
import type { Cell } from "./session.ts";
import { formatCellLine, formatShow, lines, painter } from "./terminal.ts";

Deno.test("lines: CRLF, a last line without newline, characters split across chunks", async () => {
  const bytes = new TextEncoder().encode("run\r\nshow 1\nset name=é\nquit");
  const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
  const stream = ReadableStream.from([bytes.slice(0, split), bytes.slice(split)]);
  const got: string[] = [];
  for await (const line of lines(stream)) got.push(line);
  assert.deepEqual(got, ["run", "show 1", "set name=é", "quit"]);
});

const CELL: Cell = {
  id: "topics",
  n: 4,
  kind: "action",
  action: "trocket.DescribeTopicList",
  doc: "List the topics.",
  status: "failed",
  requests: [{ InstanceId: "rmq-1" }],
  outputs: null,
  attempts: 3,
  durationMs: 12.4,
  error: { code: "ResourceNotFound.Instance", message: "no instance rmq-1" },
  reads: { inputs: ["instanceId"], steps: [] },
  history: [],
};

Deno.test("a failed cell: its line, request and error, coloured only when asked", () => {
  assert.equal(
    formatCellLine(CELL),
    " 4. ✗ topics  trocket.DescribeTopicList  failed · 3 requests · 12ms",
  );
  const text = formatShow(CELL);
  assert.match(text, /^request:\n {2}\{\n {4}"InstanceId": "rmq-1"\n {2}\}$/m);
  assert.match(text, /^error: ResourceNotFound\.Instance: no instance rmq-1$/m);
  assert.ok(!text.includes("\x1b["));
  assert.ok(formatShow(CELL, { color: true }).includes("\x1b[31merror:"));
  assert.ok(formatCellLine(CELL, painter(true)).includes("\x1b[31m✗"));
});

Deno.test("a succeeded cell: fields, and lists as tables", () => {
  const cell: Cell = {
    ...CELL,
    status: "succeeded",
    attempts: 1,
    requestId: "req-1",
    outputs: { TotalCount: 2n, Data: [{ Topic: "a", QueueNum: 8n }, { Topic: "b" }] },
  };
  delete cell.error;
  const text = formatShow(cell);
  assert.match(text, /^response \(RequestId req-1\):\n {2}TotalCount: 2\n {2}Data: 2 rows$/m);
  assert.match(text, /^ {4}# {2}Topic {2}QueueNum\n {4}- {2}-----/m);
  assert.match(text, /^ {4}1 {2}b$/m);
});

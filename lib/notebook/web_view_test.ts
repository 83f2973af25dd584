/**
 * The web notebook's cell views: every text escaped (prose, ids, errors, outputs, requests),
 * lists inside a structure as tables, the request and the response folded.
 */
import assert from "node:assert/strict";
import type { Cell } from "./session.ts";
import { cellBodyHtml, proseHtml, valueHtml } from "./web_view.ts";

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

function cell(over: Partial<Cell>): Cell {
  return {
    id: "topics",
    n: 1,
    kind: "action",
    action: "trocket.DescribeTopicList",
    status: "succeeded",
    requests: [],
    outputs: null,
    attempts: 1,
    reads: { inputs: [], steps: [] },
    history: [],
    ...over,
  };
}

Deno.test("web view: every text of a cell is escaped", () => {
  const html = cellBodyHtml(cell({
    doc: `## ${EVIL}\nSome \`code\` and **bold** ${EVIL}`,
    status: "failed",
    error: { code: "E_X", message: EVIL },
    requests: [{ Name: EVIL }],
    outputs: { Result: { Items: [{ Name: EVIL, Id: 1 }] }, Note: EVIL },
    history: [{ status: "failed", attempts: 1, error: { code: "E_Y", message: EVIL } } as never],
  }));
  assert.doesNotMatch(html, /<script|<img/i);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /<code>code<\/code> and <b>bold<\/b>/);
});

Deno.test("web view: lists inside Result are tables; request and response are folded", () => {
  const html = cellBodyHtml(cell({
    requests: [{ InstanceId: "rmq-1" }],
    requestId: "req-1",
    outputs: { TotalCount: 2, Result: { Items: [{ Topic: "orders" }, { Topic: "payments" }] } },
  }));
  assert.match(html, /<details class="request"><summary>Request<\/summary>/);
  assert.match(html, /<details class="response"><summary>Response \(RequestId req-1\)<\/summary>/);
  assert.match(valueHtml({ Result: { Items: [{ Topic: "orders" }] } }), /<th[^>]*>Topic<\/th>/);
  assert.match(html, /<td[^>]*>payments<\/td>/);
});

Deno.test("web view: prose headings, lists and paragraphs", () => {
  assert.equal(
    proseHtml("## Title\nfirst line\nsecond\n\n- a\n- b"),
    "<h4>Title</h4><p>first line second</p><ul><li>a</li><li>b</li></ul>",
  );
});

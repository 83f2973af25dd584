import assert from "node:assert/strict";
import { formatTable, htmlTable, isTabular } from "./table.ts";

Deno.test("formatTable aligns columns in order of first appearance", () => {
  assert.equal(
    formatTable([{ Topic: "orders", QueueNum: 8n }, { Topic: "audit-log", Remark: "x" }]),
    [
      "#  Topic      QueueNum  Remark",
      "-  ---------  --------  ------",
      "0  orders     8",
      "1  audit-log            x",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTable fits the width by cutting the widest column", () => {
  const rows = [{ Id: "a", Text: "x".repeat(300), N: 18446744073709551615n }];
  const text = formatTable(rows, { maxWidth: 60, indent: "  " });
  for (const line of text.trimEnd().split("\n")) {
    assert.ok([...line].length <= 60, `line fits: ${line.length}`);
  }
  assert.match(text, /x…/);
  assert.match(text, /18446744073709551615/); // exact, not cut: the widest column is cut first
});

Deno.test("formatTable counts the rows it leaves out; lists of scalars and nested values", () => {
  const text = formatTable([1n, 2n, 3n], { maxRows: 2 });
  assert.equal(text, "#  value\n-  -----\n0  1\n1  2\n… 1 more rows not shown\n");
  assert.match(formatTable([{ Tags: [{ K: "v" }] }]), /\[\{"K":"v"\}\]/);
});

Deno.test("isTabular: non-empty lists of objects or of scalars", () => {
  assert.equal(isTabular([{ a: 1 }]), true);
  assert.equal(isTabular(["a", 1n]), true);
  assert.equal(isTabular([]), false);
  assert.equal(isTabular([{ a: 1 }, "b"]), false);
  assert.equal(isTabular({ a: 1 }), false);
});

Deno.test("htmlTable escapes every text", () => {
  const html = htmlTable([{ "<k>": "<script>alert(1)</script>", n: 1n }]);
  assert.ok(!html.includes("<script>"));
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /<th[^>]*>&lt;k&gt;<\/th>/);
  assert.match(htmlTable([1, 2, 3], { maxRows: 1 }), /2 more rows not shown/);
});

Deno.test("formatTable cuts wide columns to the same width", () => {
  const rows = [{ A: "a".repeat(40), B: "b".repeat(30), C: "c".repeat(20), D: "d" }];
  const text = formatTable(rows, { maxWidth: 60 });
  const widths = text.split("\n")[1]!.split("  ").map((dashes) => dashes.length);
  const wide = widths.slice(1, 4);
  assert.ok(Math.max(...wide) - Math.min(...wide) <= 1, `equally wide: ${widths}`);
  assert.equal(widths.at(-1), 1);
  assert.equal(text.split("\n")[2]!.length, 60);
});

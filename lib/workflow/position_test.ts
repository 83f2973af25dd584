import assert from "node:assert/strict";
import { alignText, exprPos, offsetPos } from "./position.ts";

Deno.test("offsetPos counts lines and columns, optionally from a known position", () => {
  const source = "ab\ncde\n\nf";
  assert.deepEqual(offsetPos(source, 0, 1), { line: 1, column: 1, offset: 0, length: 1 });
  assert.deepEqual(offsetPos(source, 4, 2), { line: 2, column: 2, offset: 4, length: 2 });
  assert.deepEqual(offsetPos(source, 8, 0), { line: 4, column: 1, offset: 8, length: 1 });
  const from = offsetPos(source, 3, 1);
  assert.deepEqual(offsetPos(source, 8, 1, from), offsetPos(source, 8, 1));
});

Deno.test("alignText maps decoded text onto folded, indented or quoted source", () => {
  assert.deepEqual(alignText("a b", "x: a\n   b\n", 3), [3, 4, 8]);
  assert.deepEqual(alignText("it's", "'it''s'", 1, { singleQuoted: true }), [1, 2, 3, 5]);
  assert.equal(alignText("a\tb", '"a\\tb"', 1), undefined);
});

Deno.test("exprPos finds a problem inside a multi-line expression", () => {
  const source = "x: |\n  ${{ a +\n     b.c }}\n";
  const cel = "a +\n   b.c";
  const start = source.indexOf("a +");
  const part = { source: cel, pos: offsetPos(source, start, cel.length) };
  const at = exprPos(source, part, cel.indexOf("b.c"), 3);
  assert.deepEqual([at.line, at.column, at.length], [3, 6, 3]);
  assert.equal(source.slice(at.offset, at.offset + at.length), "b.c");
  // on one line, the offset is added directly
  const oneLine = "k: ${{ inputs.x }}";
  const p = { source: "inputs.x", pos: offsetPos(oneLine, 7, 8) };
  assert.deepEqual(exprPos(oneLine, p, 7, 1), { line: 1, column: 15, offset: 14, length: 1 });
});

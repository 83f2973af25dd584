import assert from "node:assert/strict";
import type { Diagnostic } from "./diagnostic.ts";
import { formatDiagnostic, summaryLine } from "./snippet.ts";

const base: Diagnostic = {
  code: "E_REF",
  message: "unknown step `plna`",
  file: "w.yaml",
  line: 2,
  column: 8,
  severity: "error",
  length: 4,
};

Deno.test("formatDiagnostic prints the header, the line and carets under the offending text", () => {
  const text = formatDiagnostic(base, "a: 1\nvalue: plna.x\nc: 3\n");
  assert.equal(
    text,
    "w.yaml:2:8: error E_REF: unknown step `plna`\n" +
      " 2 | value: plna.x\n" +
      "   |        ^^^^\n",
  );
});

Deno.test("carets stop at the end of the line and keep tabs aligned", () => {
  const long = formatDiagnostic({ ...base, line: 1, column: 4, length: 50 }, "x:\tab\n");
  assert.equal(long.split("\n")[2], "   |   \t^^");
  const warning = formatDiagnostic({ ...base, severity: "warning", code: "W_UNTYPED" }, "");
  assert.equal(warning, "w.yaml:2:8: warning W_UNTYPED: unknown step `plna`\n");
});

Deno.test("color is opt-in", () => {
  const plain = formatDiagnostic(base, "a\nvalue: plna\n");
  assert.ok(!plain.includes("\x1b["));
  const colored = formatDiagnostic(base, "a\nvalue: plna\n", { color: true });
  assert.ok(colored.includes("\x1b[31m^^^^\x1b[0m"));
});

Deno.test("summaryLine counts with singulars", () => {
  assert.equal(summaryLine(1, 0, 1), "1 error, 0 warnings in 1 file");
  assert.equal(summaryLine(3, 2, 4), "3 errors, 2 warnings in 4 files");
});

import assert from "node:assert/strict";
import { importsOf, testsOf, testStages } from "./graph.ts";

Deno.test("relative imports, re-exports and literal dynamic imports are edges", () => {
  const source = [
    'import { a } from "./a.ts";',
    'import type { T } from "../t.ts";',
    'export { b } from "./sub/b.ts";',
    'import ts from "typescript";',
    'const c = await import("./c.ts");',
  ].join("\n");
  assert.deepStrictEqual(importsOf("lib/x/m.ts", source), [
    "lib/x/a.ts",
    "lib/t.ts",
    "lib/x/sub/b.ts",
    "lib/x/c.ts",
  ]);
});

Deno.test("tests reaching a module, nearest first; unrelated tests left out", () => {
  const files = new Map([
    ["lib/m.ts", ""],
    ["lib/m_test.ts", 'import "./m.ts";'],
    ["lib/user.ts", 'import "./m.ts";'],
    ["test/far_test.ts", 'import "../lib/user.ts";'],
    ["test/a_test.ts", 'import "../lib/user.ts";'],
    ["test/other_test.ts", 'import "../lib/other.ts";'],
    ["test/_helper.ts", 'import "../lib/m.ts";'],
  ]);
  assert.deepStrictEqual(testStages("lib/m.ts", files), [
    ["lib/m_test.ts"],
    ["test/a_test.ts", "test/far_test.ts"],
  ]);
  assert.deepStrictEqual(testStages("lib/other.ts", files), [["test/other_test.ts"]]);
  assert.deepStrictEqual(testStages("lib/none.ts", files), []);
  assert.deepStrictEqual(testsOf("lib/m.ts", files), [
    "lib/m_test.ts",
    "test/a_test.ts",
    "test/far_test.ts",
  ]);
});

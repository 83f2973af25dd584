import assert from "node:assert/strict";
import { encodeLines, fresh, hasLine, parseLcov } from "./coverage.ts";

Deno.test("lcov: lines hit at least once, by path relative to the tree; outside files left out", () => {
  const lcov = [
    "SF:/tmp/tree/lib/m.ts",
    "DA:1,1",
    "DA:2,0",
    "DA:3,4",
    "end_of_record",
    "SF:/elsewhere/x.ts",
    "DA:1,1",
    "end_of_record",
    "SF:file:///tmp/tree/lib/n.ts",
    "DA:7,2",
    "end_of_record",
  ].join("\n");
  const got = parseLcov(lcov, "/tmp/tree");
  assert.deepStrictEqual([...got.keys()], ["lib/m.ts", "lib/n.ts"]);
  assert.deepStrictEqual([...got.get("lib/m.ts")!], [1, 3]);
  assert.deepStrictEqual([...got.get("lib/n.ts")!], [7]);
});

Deno.test("line ranges: encoded compactly, looked up exactly", () => {
  const ranges = encodeLines([5, 1, 2, 3, 9, 10, 3]);
  assert.equal(ranges, "1-3,5,9-10");
  assert.deepStrictEqual(
    [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11].filter((n) => hasLine(ranges, n)),
    [1, 2, 3, 5, 9, 10],
  );
  assert.equal(hasLine("", 1), false);
  assert.equal(encodeLines([]), "");
});

Deno.test("a cached coverage entry is stale when the test or the covered module changed", () => {
  const entry = {
    testHash: "t1",
    passed: true,
    ms: 5,
    modules: { "lib/m.ts": { hash: "m1", lines: "1-3" } },
  };
  assert.equal(fresh(entry, "t1", "lib/m.ts", "m1"), true);
  assert.equal(fresh(entry, "t2", "lib/m.ts", "m1"), false, "the test changed");
  assert.equal(fresh(entry, "t1", "lib/m.ts", "m2"), false, "the module's lines moved");
  assert.equal(fresh(entry, "t1", "lib/other.ts", "o1"), true, "it did not run that module");
  assert.equal(fresh(undefined, "t1", "lib/m.ts", "m1"), false);
});

import assert from "node:assert/strict";
import { hash32, sample, seededRandom } from "./sample.ts";

Deno.test("the same seed gives the same sample, in source order", () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const a = sample(items, 10, 7);
  assert.deepStrictEqual(a, sample(items, 10, 7));
  assert.deepStrictEqual(a.length, 10);
  assert.deepStrictEqual(a, [...a].sort((x, y) => x - y));
  assert.deepStrictEqual(new Set(a).size, 10);
  assert.notDeepStrictEqual(a, sample(items, 10, 8));
});

Deno.test("no sampling when the list is not longer than max", () => {
  assert.deepStrictEqual(sample([3, 1, 2], 3, 1), [3, 1, 2]);
  assert.deepStrictEqual(sample([3, 1, 2], undefined, 1), [3, 1, 2]);
});

Deno.test("the PRNG and the hash are fixed functions (mulberry32, FNV-1a)", () => {
  const r = seededRandom(1);
  assert.deepStrictEqual([r(), r()].map((x) => x.toFixed(6)), ["0.627074", "0.002736"]);
  assert.deepStrictEqual(hash32(""), 0x811c9dc5);
  assert.deepStrictEqual(hash32("a"), 0xe40c292c);
});

import assert from "node:assert/strict";
import { derivesSecret, EACH, readPaths, taintOf } from "./taint.ts";

/** `inputs.key` is secret, and so is the `Remark` of each item of `steps.read.outputs.Data`. */
const isSecret = (path: string[]) =>
  (path[0] === "inputs" && (path[1] === "key" || path.length === 1)) ||
  path.join(".") === `steps.read.outputs.Data.${EACH}.Remark`;

Deno.test("text made from a secret is derived", () => {
  for (
    const source of [
      "inputs.key.upperAscii()",
      "inputs.key.lowerAscii()",
      "inputs.key.substring(0, 8)",
      'inputs.key.replace("-", "")',
      'inputs.key.split("-")',
      "bytes(inputs.key)",
      '"Bearer " + inputs.key.upperAscii()',
      "[inputs.key.trim()]",
      '{"k": inputs.key.upperAscii()}',
      'true ? inputs.key.upperAscii() : "x"',
      "[inputs.key].map(k, k.upperAscii())",
      "steps.read.outputs.Data.map(t, t.Remark.upperAscii())",
      'cel.bind(k, inputs.key, k.replace("a", "b"))',
      "string(inputs.key.upperAscii())",
      "inputs.upperAscii()", // the whole map holds the secret
    ]
  ) assert.equal(derivesSecret(source, isSecret), true, source);
});

Deno.test("a secret kept as it was, tested, counted or not read derives nothing", () => {
  for (
    const source of [
      "inputs.key", // a copy: redacting the key finds it
      '"Bearer " + inputs.key',
      "[inputs.key, inputs.other]",
      '[inputs.key].join(",")',
      "string(inputs.key)",
      "[inputs.key].filter(k, k != '')",
      "steps.read.outputs.Data.map(t, t.Topic.upperAscii())", // not the secret field
      'size(inputs.key) > 8 ? "long" : "short"',
      'inputs.key == "x"',
      'inputs.key.startsWith("sk-")',
      "has(inputs.key)",
      "string(size(inputs.key))",
      'steps.read.outputs.Data.filter(t, t.Remark == "x").size()',
      "inputs.other.upperAscii()",
      "inputs.key.upperAscii(", // does not parse: never evaluated
    ]
  ) assert.equal(derivesSecret(source, isSecret), false, source);
});

Deno.test("readPaths: what an expression reads, element by element through macros", () => {
  assert.deepEqual(readPaths("size(inputs.names) > 0 && steps.a.outputs.X == 1"), [
    ["inputs", "names"],
    ["steps", "a", "outputs", "X"],
  ]);
  assert.deepEqual(readPaths("steps.a.outputs.Data.map(t, t.Tags.map(g, g.Key))"), [
    ["steps", "a", "outputs", "Data", EACH, "Tags", EACH, "Key"],
  ]);
  // `filter` returns whole elements: the range itself is read.
  assert.deepEqual(readPaths('steps.a.outputs.Data.filter(t, t.Name == "x")'), [
    ["steps", "a", "outputs", "Data"],
    ["steps", "a", "outputs", "Data", EACH, "Name"],
  ]);
  assert.deepEqual(readPaths("[1, 2].map(x, x + 1)"), []);
  assert.deepEqual(readPaths("inputs.("), []);
});

Deno.test("taintOf: arithmetic, conversions and joining a short secret kept whole derive", () => {
  /** `inputs.pin` is a number secret and `inputs.short` a two-character one: found whole. */
  const holds = (path: string[]) =>
    path[0] === "inputs" && (path[1] === "pin" || path[1] === "short")
      ? "whole"
      : isSecret(path)
      ? "copy"
      : "nothing";
  for (
    const source of [
      "inputs.pin + 1",
      "-inputs.pin",
      "inputs.pin * 2 - 1",
      "inputs.pin % 10",
      "int(inputs.key)",
      "double(inputs.pin) / 2.0",
      '"x" + inputs.short',
      '[inputs.short, "b"].join("")',
      "inputs.key.charAt(0)",
      '"" + inputs.key.substring(0, 1)',
    ]
  ) assert.equal(taintOf(source, holds), "derived", source);
  assert.equal(taintOf("inputs.short", holds), "whole");
  assert.equal(taintOf("[inputs.pin]", holds), "whole");
  assert.equal(taintOf("string(inputs.pin)", holds), "whole");
  assert.equal(taintOf('"Bearer " + inputs.key', holds), "copy");
  assert.equal(taintOf('inputs.key.indexOf("-")', holds), "nothing"); // a position
  assert.equal(taintOf("inputs.pin > 4000", holds), "nothing");
});

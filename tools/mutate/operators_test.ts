import assert from "node:assert/strict";
import { applyMutant, findMutants, type Operator } from "./operators.ts";

function changes(source: string, operator?: Operator): string[] {
  return findMutants("x.ts", source)
    .filter((m) => operator === undefined || m.operator === operator)
    .map((m) => applyMutant(source, m));
}

Deno.test("boundary and comparison flips of each relational operator", () => {
  assert.deepStrictEqual(changes("f(a < b);", "boundary"), ["f(a <= b);"]);
  assert.deepStrictEqual(changes("f(a <= b);", "boundary"), ["f(a < b);"]);
  assert.deepStrictEqual(changes("f(a > b);", "comparison"), ["f(a <= b);"]);
  assert.deepStrictEqual(changes("f(a >= b);", "comparison"), ["f(a < b);"]);
  assert.deepStrictEqual(changes("f(a === b);", "comparison"), ["f(a !== b);"]);
  assert.deepStrictEqual(changes("f(a !== b);", "comparison"), ["f(a === b);"]);
});

Deno.test("logical swaps, negation removed, if condition negated", () => {
  assert.deepStrictEqual(changes("f(a && b);", "logical"), ["f(a || b);"]);
  assert.deepStrictEqual(changes("f(a || b);", "logical"), ["f(a && b);"]);
  assert.deepStrictEqual(changes("f(a ?? b);", "logical"), ["f(a || b);"]);
  assert.deepStrictEqual(changes("f(!a);", "remove-negation"), ["f(a);"]);
  assert.deepStrictEqual(changes("if (a) f();", "negate-condition"), ["if (!(a)) f();"]);
});

Deno.test("constants: booleans swap, numbers move by one, 0 becomes 1", () => {
  assert.deepStrictEqual(changes("const x = true;", "constant"), ["const x = false;"]);
  assert.deepStrictEqual(changes("const x = false;", "constant"), ["const x = true;"]);
  assert.deepStrictEqual(changes("const x = 64;", "constant"), ["const x = 65;"]);
  assert.deepStrictEqual(changes("const x = 0;", "constant"), ["const x = 1;"]);
});

Deno.test("arithmetic flips only next to a number literal (a string + stays)", () => {
  assert.deepStrictEqual(changes("f(a + 1);", "arithmetic"), ["f(a - 1);"]);
  assert.deepStrictEqual(changes("f(a - 1);", "arithmetic"), ["f(a + 1);"]);
  assert.deepStrictEqual(changes('f(a + "s");', "arithmetic"), []);
  assert.deepStrictEqual(changes("f(a * b);", "arithmetic"), ["f(a / b);"]);
});

Deno.test("statements and awaits removed", () => {
  assert.deepStrictEqual(changes("async function g() { await h(); }", "remove-await"), [
    "async function g() { (h()); }",
  ]);
  assert.deepStrictEqual(changes("f(); g = 1;", "remove-statement"), [" g = 1;", "f(); "]);
  assert.deepStrictEqual(changes('"use strict";', "remove-statement"), []);
});

Deno.test("early return only in functions that return nothing", () => {
  assert.deepStrictEqual(changes("function g() { f(); }", "early-return"), [
    "function g() { return; f(); }",
  ]);
  assert.deepStrictEqual(changes("function g() { return 1; }", "early-return"), []);
  assert.deepStrictEqual(
    changes("function g() { const h = () => { return 1; }; h(); }", "early-return"),
    [
      "function g() { return; const h = () => { return 1; }; h(); }",
    ],
  );
});

Deno.test("object fields removed one at a time, the literal stays valid", () => {
  assert.deepStrictEqual(changes("f({ a: 1, b, ...c });", "remove-field"), [
    "f({ b, ...c });",
    "f({ a: 1, ...c });",
    "f({ a: 1, b,  });",
  ]);
});

Deno.test("types, imports and declarations are never mutated", () => {
  const source = [
    'import { a } from "./a.ts";',
    "type T = 1 | true;",
    "interface I { x: 2 }",
    "declare const d: 3;",
    "let v: 4 = 4 as 4;",
  ].join("\n");
  assert.deepStrictEqual(changes(source), [
    'import { a } from "./a.ts";\ntype T = 1 | true;\ninterface I { x: 2 }\ndeclare const d: 3;\nlet v: 4 = 5 as 4;',
  ]);
});

Deno.test("ids name the enclosing function and survive edits elsewhere in the file", () => {
  const before = findMutants("x.ts", "function g(a: number) { return a < 64; }");
  const after = findMutants("x.ts", "const z = 1;\n\nfunction g(a: number) { return a < 64; }");
  const ids = (ms: typeof before) => ms.map((m) => m.id).filter((id) => id.startsWith("g/"));
  assert.deepStrictEqual(ids(after), ids(before));
  assert.deepStrictEqual(ids(before), [
    "g/boundary/<→<=#0",
    "g/comparison/<→>=#0",
    "g/constant/64→65#0",
  ]);
  assert.deepStrictEqual(after.find((m) => m.id === "g/constant/64→65#0")?.line, 3);
});

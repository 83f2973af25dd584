/**
 * Robustness: random token soups never crash the checker or the evaluator; the only errors
 * are `ExprError`s with a code and an offset inside the source.
 */
import assert from "node:assert/strict";
import { checkExpr } from "./check.ts";
import { evaluateExpr, ExprError, Placeholder } from "./evaluate.ts";
import { listOf, mapOf, objectOf, T } from "./types.ts";

const TOKENS = [
  "inputs",
  "steps",
  "a",
  "outputs",
  "x",
  ".",
  ".",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  "?",
  "+",
  "-",
  "*",
  "/",
  "%",
  "==",
  "!=",
  "<",
  ">=",
  "&&",
  "||",
  "!",
  "in",
  "1",
  "0",
  "2.5",
  "1u",
  "'s'",
  '"t"',
  "true",
  "null",
  "size",
  "int",
  "string",
  "map",
  "filter",
  "exists",
  "all",
  "has",
  "t",
  "contains",
  "matches",
  "'(a+)+'",
  "cel",
  "bind",
  "9223372036854775807",
  "__proto__",
  "constructor",
  "b'x'",
  "timestamp",
  "duration",
  "'1h'",
];

/** A small deterministic generator (tests must not depend on `Math.random`). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const vars = {
  inputs: { x: [1n, 2n, 3n], a: "abc", outputs: { x: 1n } },
  steps: { a: { outputs: new Placeholder("<svc.A>") } },
};
const scope = {
  inputs: objectOf("inputs", { x: listOf(T.int), a: T.string, outputs: mapOf(T.string, T.int) }),
  steps: objectOf("steps", { a: objectOf("step a", { outputs: T.dyn }) }),
};

const ATOMS = [
  "0",
  "1",
  "-3",
  "9223372036854775807",
  "2.5",
  "1u",
  "'s'",
  "''",
  "true",
  "null",
  "[]",
  "[1, 2]",
  "{'k': 1}",
  "inputs.x",
  "inputs.a",
  "inputs.outputs",
  "inputs.outputs.x",
  "inputs.nope",
  "steps.a.outputs.q",
  "t",
  "b'xy'",
  "duration('1s')",
];
const BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "in"];

/** A random, mostly well-formed expression of bounded depth. */
function expression(next: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  if (depth <= 0 || next() < 0.3) return pick(ATOMS);
  const sub = () => expression(next, depth - 1);
  switch (Math.floor(next() * 8)) {
    case 0:
      return `${sub()} ${pick(BINARY)} ${sub()}`;
    case 1:
      return `${pick(["size", "int", "uint", "double", "string", "dyn"])}(${sub()})`;
    case 2:
      return `${sub()}[${sub()}]`;
    case 3:
      return `${sub()}.${pick(["map", "filter", "exists", "all", "exists_one"])}(t, ${sub()})`;
    case 4:
      return `${sub()} ? ${sub()} : ${sub()}`;
    case 5:
      return `${pick(["!", "-"])}${sub()}`;
    case 6:
      return `${sub()}.${pick(["contains", "startsWith", "size", "split", "join"])}(${sub()})`;
    default:
      return `[${sub()}, ${sub()}]`;
  }
}

Deno.test("fuzz: random expressions only ever fail with ExprError", () => {
  const next = lcg(20261123);
  const codes = new Set<string>();
  for (let i = 0; i < 6000; i++) {
    const length = 1 + Math.floor(next() * 12);
    const source = i % 2 === 0
      ? expression(next, 4)
      : Array.from({ length }, () => TOKENS[Math.floor(next() * TOKENS.length)]!)
        .join(next() < 0.5 ? " " : "");
    const { problems } = checkExpr(source, scope);
    for (const p of problems) {
      assert.ok(p.offset >= 0 && p.offset <= source.length, `${source}: ${p.offset}`);
      assert.ok(p.length >= 1, source);
    }
    try {
      evaluateExpr(source, vars);
    } catch (error) {
      if (!(error instanceof ExprError)) {
        assert.fail(`${JSON.stringify(source)} threw ${error}`);
      }
      codes.add(error.code);
    }
  }
  // the soup exercised every kind of failure
  assert.deepEqual([...codes].sort(), ["E_EVAL", "E_EXPR", "E_REF", "E_TYPE"]);
});

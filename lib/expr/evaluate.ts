/**
 * Evaluation of CEL expressions over JSON-like values, with exact 64-bit integers.
 *
 * Expressions are data, never code: the evaluator walks the parsed AST itself, reads only own
 * properties of plain objects (never `constructor`, `__proto__` or anything inherited), calls
 * only the builtins of `_builtins.ts`, and stops with `E_EVAL` when an evaluation passes its
 * budget (macro iterations, allocated bytes, steps).
 *
 * In a dry run some values are not known yet: they are {@link Placeholder}s. A member path that
 * reaches one yields a placeholder with the rest of the path appended to its label; any other
 * expression that touches one yields `Placeholder("<" + source + ">")`.
 *
 * @module
 */

import { memberChain, parseCel } from "./_parse.ts";
import type { Node, PathSegment } from "./_parse.ts";
import {
  containsPlaceholder,
  describeKind,
  ExprError,
  isPlainObject,
  ownField,
  Placeholder,
  toOutput,
} from "./_runtime.ts";
import { checkValue, EMPTY, Evaluator, extendLabel, TOUCHED } from "./_evaluator.ts";

export { ExprError, Placeholder, toOutput } from "./_runtime.ts";
export type { ExprErrorCode } from "./_runtime.ts";

/**
 * Evaluates a CEL expression with `vars` as its names in scope. Values in and out are
 * JSON-like: integers as `bigint`, doubles as `number`, strings, booleans, `null`, arrays and
 * plain objects; `Placeholder`s stand for values not known yet.
 *
 * @throws {ExprError} `E_EXPR` when the expression does not parse, `E_REF` for an unknown
 * name, `E_TYPE` for an operation on the wrong types, `E_EVAL` for other runtime errors
 * (missing key, division by zero, overflow, limits).
 *
 * @example
 * ```ts
 * import { evaluateExpr } from "./evaluate.ts";
 * evaluateExpr("steps.a.outputs.X + 1", { steps: { a: { outputs: { X: 41n } } } }); // 42n
 * ```
 */
export function evaluateExpr(source: string, vars: Record<string, unknown>): unknown {
  const parsed = parseCel(source);
  if ("error" in parsed) {
    const { message, offset, length } = parsed.error;
    throw new ExprError("E_EXPR", message, { offset, length });
  }
  try {
    return evaluateAst(parsed.ast, source, vars);
  } catch (error) {
    if (error instanceof RangeError) {
      // recursion limit: values nested thousands of levels deep
      throw new ExprError("E_EVAL", "a value is nested too deeply", { offset: 0, length: 1 });
    }
    throw error;
  }
}

function evaluateAst(ast: Node, source: string, vars: Record<string, unknown>): unknown {
  const path = memberChain(ast);
  if (path) return toOutput(readPath(ast, path, vars));
  let result: unknown;
  try {
    result = new Evaluator(vars).eval(ast, EMPTY);
  } catch (error) {
    if (error === TOUCHED) return new Placeholder(`<${source.trim()}>`);
    throw error;
  }
  if (result instanceof Placeholder && isPathLike(ast)) return result; // `outputs[0].Id`
  if (containsPlaceholder(result)) return new Placeholder(`<${source.trim()}>`);
  return toOutput(result);
}

/** Follows a member path through `vars`, stopping at a placeholder (whose label grows). */
function readPath(ast: Node, path: PathSegment[], vars: Record<string, unknown>): unknown {
  const root = path[0]!;
  if (!Object.hasOwn(vars, root.name) || vars[root.name] === undefined) {
    throw new ExprError("E_REF", `unknown name \`${root.name}\``, root);
  }
  let value: unknown = vars[root.name];
  for (let i = 1; i < path.length; i++) {
    if (value instanceof Placeholder) return extendLabel(value, path.slice(i).map((s) => s.name));
    const segment = path[i]!;
    if (!isPlainObject(value)) {
      throw new ExprError(
        "E_TYPE",
        `cannot select field \`${segment.name}\` on ${describeKind(value)}`,
        segment,
      );
    }
    value = ownField(value, segment.name);
    if (value === undefined) {
      const parent = path.slice(0, i).map((s) => s.name).join(".");
      throw new ExprError("E_EVAL", `no such key \`${segment.name}\` in \`${parent}\``, segment);
    }
  }
  checkValue(value, ast);
  return value;
}

/** A name followed by field selections and literal indexes: `steps.b.outputs[0].Id`. */
function isPathLike(node: Node): boolean {
  let n = node;
  while (n.op === "." || n.op === "[]") {
    const [left, index] = n.args as [Node, Node | string];
    if (typeof index !== "string" && index.op !== "value") return false;
    n = left;
  }
  return n.op === "id";
}

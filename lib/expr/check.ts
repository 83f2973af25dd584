/**
 * Static type checking of CEL expressions against the types of the names in scope
 * (`inputs`, `steps.<id>.outputs` typed from the catalog's response types, `item` …).
 *
 * Every problem of an expression is reported at once, each with a stable code and its offset
 * in the CEL source: `E_EXPR` (does not parse), `E_REF` (unknown name, field or function),
 * `E_TYPE` (an operator or function applied to the wrong types). A `dyn` value absorbs
 * everything: nothing about it is reported.
 *
 * @module
 */

import { T } from "./types.ts";
import type { ExprType } from "./types.ts";
import { boundVariable, children, memberPath, parseCel } from "./_parse.ts";
import type { Node } from "./_parse.ts";
import { Checker, type ExprProblem } from "./_checker.ts";

export type { ExprProblem };

/**
 * Type-checks `source` against the names in `scope`. Returns the expression's type (`dyn`
 * where it cannot be known) and every problem found.
 *
 * @example
 * ```ts
 * import { checkExpr } from "./check.ts";
 * import { objectOf, T } from "./types.ts";
 * const { type, problems } = checkExpr("size(inputs.topics) > 0", {
 *   inputs: objectOf("inputs", { topics: { kind: "list", elem: T.string } }),
 * });
 * // type: { kind: "bool" }, problems: []
 * ```
 */
export function checkExpr(
  source: string,
  scope: Record<string, ExprType>,
): { type: ExprType; problems: ExprProblem[] } {
  const parsed = parseCel(source);
  if ("error" in parsed) {
    return { type: T.dyn, problems: [{ code: "E_EXPR", ...parsed.error }] };
  }
  const checker = new Checker(scope, source);
  try {
    const type = checker.check(parsed.ast, new Map());
    return { type, problems: checker.problems };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      type: T.dyn,
      problems: [{
        code: "E_EXPR",
        message: "expression is nested too deeply",
        offset: 0,
        length: 1,
      }],
    };
  }
}

/**
 * The member paths an expression reads from its scope, e.g. `["steps", "plan", "outputs",
 * "Result", "UsagePlanId"]`, in source order, without duplicates. Names bound by macros
 * (`t` in `list.map(t, t.x)`) are not included. An expression that does not parse has none.
 */
export function exprPaths(source: string): string[][] {
  const parsed = parseCel(source);
  if ("error" in parsed) return [];
  const paths: string[][] = [];
  const seen = new Set<string>();
  const walk = (node: Node, locals: ReadonlySet<string>): void => {
    const path = memberPath(node);
    if (path) {
      if (!locals.has(path[0]!)) {
        const key = JSON.stringify(path);
        if (!seen.has(key)) {
          seen.add(key);
          paths.push(path);
        }
      }
      return;
    }
    const bound = boundVariable(node);
    if (bound) {
      walk(bound.range, locals);
      const inner = new Set(locals).add(bound.name);
      for (const n of bound.body) walk(n, inner);
      return;
    }
    for (const child of children(node)) walk(child, locals);
  };
  walk(parsed.ast, new Set());
  return paths;
}

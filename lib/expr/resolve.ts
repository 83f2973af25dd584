/**
 * Resolving workflow values (`with:`, `set:`, `outputs:` …) to JSON-like values.
 *
 * @module
 */

import { stringifyJson } from "../json.ts";
import type { ExprPart, Pos, ValueNode } from "./value.ts";
import { evaluateExpr } from "./evaluate.ts";
import { Duration, ExprError, Placeholder, toOutput, Uint } from "./_runtime.ts";

export { containsPlaceholder } from "./_runtime.ts";

/**
 * Evaluates a workflow {@link ValueNode} to a JSON-like value: `expr` keeps the expression's
 * type; `template` interpolates as text (integers as digits, strings raw, lists and maps as
 * JSON, `null` as the empty string, placeholders as their label); lists and maps are resolved
 * item by item. A template that interpolates a placeholder resolves to a `Placeholder` whose
 * label is the interpolated text (`"migrated-<…UsagePlanId>"`), so that it is still known to
 * be unresolved. `observe`, when given, sees each `${{ }}`'s source and value as it is evaluated
 * (the engine derives secrets there).
 *
 * @throws {ExprError} with `pos` set to the position of the offending expression text (its
 * `offset`/`length` stay relative to the CEL source).
 *
 * @example
 * ```ts
 * import { resolveValue } from "./resolve.ts";
 * const pos = { line: 1, column: 1, offset: 0, length: 1 };
 * resolveValue({ kind: "template", parts: ["n-", { source: " inputs.n ", pos }], pos }, {
 *   inputs: { n: 7n },
 * }); // "n-7"
 * ```
 */
export function resolveValue(
  node: ValueNode,
  vars: Record<string, unknown>,
  observe?: (source: string, value: unknown, vars: Record<string, unknown>) => void,
): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "expr":
      return evaluatePart(node.expr, vars, observe);
    case "template": {
      let text = "";
      let pending = false;
      const sources: string[] = [];
      for (const part of node.parts) {
        if (typeof part === "string") {
          text += part;
          continue;
        }
        const value = evaluatePart(part, vars, observe);
        if (value instanceof Placeholder) pending = true;
        text += interpolate(value);
        sources.push(`string((${part.source}))`);
      }
      const result = pending ? new Placeholder(text) : text;
      // The whole text is seen too, as the concatenation it is: a short secret interpolated
      // into other text can no longer be found alone.
      if (sources.length > 0 && text !== "") {
        observe?.(`${sources.join(" + ")} + ""`, result, vars);
      }
      return result;
    }
    case "list":
      return node.items.map((item) => resolveValue(item, vars, observe));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        Object.defineProperty(out, entry.key, {
          value: resolveValue(entry.value, vars, observe),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

function evaluatePart(
  part: ExprPart,
  vars: Record<string, unknown>,
  observe: ((source: string, value: unknown, vars: Record<string, unknown>) => void) | undefined,
): unknown {
  try {
    const value = evaluateExpr(part.source, vars);
    observe?.(part.source, value, vars);
    return value;
  } catch (error) {
    if (error instanceof ExprError) error.pos = positionIn(part, error.offset, error.length);
    throw error;
  }
}

/**
 * The position of `offset` inside an expression's text: exact when the text before it is on
 * the expression's first line, else the start of the expression.
 */
function positionIn(part: ExprPart, offset: number | undefined, length: number | undefined): Pos {
  if (offset === undefined || part.source.slice(0, offset).includes("\n")) return part.pos;
  return {
    line: part.pos.line,
    column: part.pos.column + offset,
    offset: part.pos.offset + offset,
    length: Math.max(1, length ?? 1),
  };
}

/** The text of a value inside a template string. */
function interpolate(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  if (value instanceof Placeholder) return value.label;
  if (value instanceof Uint || value instanceof Duration) return String(toOutput(value));
  return stringifyJson(value);
}

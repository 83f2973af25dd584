/**
 * The type checker proper: walks the cel-js AST and infers types (see `check.ts`).
 *
 * @module
 */

import { suggest } from "../catalog/suggest.ts";
import {
  commonType,
  isNumeric,
  listOf,
  mapOf,
  missingFieldMessage,
  recordOf,
  sameType,
  T,
  typeToString,
} from "./types.ts";
import type { ExprType } from "./types.ts";
import { builtinNames, findBuiltins, fits, MACRO_METHODS } from "./_builtins.ts";
import type { Overload } from "./_builtins.ts";
import { boundVariable, literalValue } from "./_parse.ts";
import type { Node } from "./_parse.ts";
import { MAX_INT, Uint } from "./_runtime.ts";

/** A problem found in an expression. `offset` and `length` are in the CEL source. */
export interface ExprProblem {
  code: "E_EXPR" | "E_TYPE" | "E_REF";
  message: string;
  offset: number;
  length: number;
}

type Locals = ReadonlyMap<string, ExprType>;

const ARITHMETIC = new Set(["+", "-", "*", "/", "%"]);
const ORDERING = new Set(["<", "<=", ">", ">="]);

/** Walks the AST of one expression, collecting problems; see `check.ts`. */
export class Checker {
  problems: ExprProblem[] = [];
  constructor(private scope: Record<string, ExprType>, private source: string) {}

  private report(code: ExprProblem["code"], message: string, offset: number, length: number) {
    this.problems.push({ code, message, offset, length: Math.max(1, length) });
  }

  private reportAt(code: ExprProblem["code"], message: string, node: Node): ExprType {
    this.report(code, message, node.start, node.end - node.start);
    return T.dyn;
  }

  /** The type of `node`; problems found on the way are added to {@link problems}. */
  check(node: Node, locals: Locals): ExprType {
    switch (node.op) {
      case "value":
        if (typeof node.args === "bigint" && node.args > MAX_INT) {
          return this.reportAt("E_EXPR", `integer literal out of range: ${node.args}`, node);
        }
        return literalType(literalValue(node.args));
      case "id":
        return this.checkName(node, locals);
      case ".":
        return this.checkSelect(node, locals);
      case "[]":
        return this.checkIndex(node, locals);
      case "list":
        return this.checkList(node, locals);
      case "map":
        return this.checkMap(node, locals);
      case "call":
        return this.checkCall(node, locals);
      case "rcall":
        return this.checkMethod(node, locals);
      case "?:":
        return this.checkTernary(node, locals);
      case "!_":
      case "-_":
        return this.checkUnary(node, locals);
      case "&&":
      case "||": {
        const [l, r] = node.args as [Node, Node];
        for (const side of [l, r]) {
          const t = this.check(side, locals);
          if (t.kind !== "bool" && t.kind !== "dyn") {
            this.reportAt(
              "E_TYPE",
              `operator \`${node.op}\` needs bool operands, got ${typeToString(t)}`,
              side,
            );
          }
        }
        return T.bool;
      }
      default:
        if (
          ARITHMETIC.has(node.op) || ORDERING.has(node.op) || ["==", "!=", "in"].includes(node.op)
        ) {
          return this.checkBinary(node, locals);
        }
        return this.reportAt("E_EXPR", `unsupported expression \`${node.op}\``, node);
    }
  }

  private checkName(node: Node, locals: Locals): ExprType {
    const name = node.args as string;
    const local = locals.get(name);
    if (local) return local;
    if (Object.hasOwn(this.scope, name)) return this.scope[name]!;
    const guess = suggest(name, [...locals.keys(), ...Object.keys(this.scope)]);
    const hint = guess === undefined ? "" : `, did you mean \`${guess}\`?`;
    return this.reportAt("E_REF", `unknown name \`${name}\`${hint}`, node);
  }

  /** Field `name` of a value of type `t`; `at` is the node whose `pos` is the field name. */
  private fieldOf(t: ExprType, name: string, at: { offset: number; length: number }): ExprType {
    switch (t.kind) {
      case "dyn":
        return T.dyn;
      case "object": {
        const field = t.field(name);
        if (field) return field;
        this.report("E_REF", missingFieldMessage(t, name), at.offset, at.length);
        return T.dyn;
      }
      case "map":
        if (!fits(t.key, "string")) {
          this.report(
            "E_TYPE",
            `cannot select \`${name}\` on ${typeToString(t)}: keys are not strings`,
            at.offset,
            at.length,
          );
          return T.dyn;
        }
        return t.value;
      default:
        this.report(
          "E_TYPE",
          `cannot select field \`${name}\` on ${typeToString(t)}`,
          at.offset,
          at.length,
        );
        return T.dyn;
    }
  }

  private checkSelect(node: Node, locals: Locals): ExprType {
    const [left, name] = node.args as [Node, string];
    const t = this.check(left, locals);
    return this.fieldOf(t, name, { offset: node.pos, length: name.length });
  }

  private checkIndex(node: Node, locals: Locals): ExprType {
    const [left, index] = node.args as [Node, Node];
    const t = this.check(left, locals);
    const i = this.check(index, locals);
    switch (t.kind) {
      case "dyn":
        return T.dyn;
      case "list":
        if (i.kind !== "int" && i.kind !== "uint" && i.kind !== "number" && i.kind !== "dyn") {
          return this.reportAt(
            "E_TYPE",
            `a list index must be an int, got ${typeToString(i)}`,
            index,
          );
        }
        return t.elem;
      case "map":
        if (!this.comparable(i, t.key)) {
          return this.reportAt(
            "E_TYPE",
            `a key of ${typeToString(t)} cannot be ${typeToString(i)}`,
            index,
          );
        }
        return t.value;
      case "object":
        if (index.op === "value" && typeof index.args === "string") {
          return this.fieldOf(t, index.args, {
            offset: index.start,
            length: index.end - index.start,
          });
        }
        if (i.kind !== "string" && i.kind !== "dyn") {
          return this.reportAt(
            "E_TYPE",
            `a field name must be a string, got ${typeToString(i)}`,
            index,
          );
        }
        return T.dyn;
      default:
        return this.reportAt("E_TYPE", `cannot index ${typeToString(t)}`, node);
    }
  }

  private checkList(node: Node, locals: Locals): ExprType {
    let elem: ExprType | undefined;
    let mixed = false;
    for (const item of node.args as Node[]) {
      const t = this.check(item, locals);
      if (mixed) continue;
      const joined = elem === undefined ? t : commonType(elem, t);
      if (joined === undefined) mixed = true;
      else elem = joined;
    }
    return listOf(mixed || elem === undefined ? T.dyn : elem);
  }

  private checkMap(node: Node, locals: Locals): ExprType {
    let value: ExprType | undefined;
    let mixed = false;
    const keys = new Set<string>();
    const entries = node.args as Array<[Node, Node]>;
    let fields: Record<string, ExprType> | undefined = {};
    const before = this.problems.length;
    for (const [k, v] of entries) {
      const kt = this.check(k, locals);
      if (kt.kind !== "string" && kt.kind !== "dyn") {
        this.reportAt("E_TYPE", `map keys must be strings, got ${typeToString(kt)}`, k);
      }
      if (k.op === "value" && typeof k.args === "string") {
        if (k.args === "__proto__") {
          this.reportAt("E_EXPR", "map key `__proto__` is not allowed", k);
        } else if (keys.has(k.args)) this.reportAt("E_EXPR", `duplicate map key "${k.args}"`, k);
        keys.add(k.args);
      }
      const vt = this.check(v, locals);
      if (fields && k.op === "value" && typeof k.args === "string") {
        Object.defineProperty(fields, k.args, { value: vt, enumerable: true });
      } else fields = undefined;
      if (mixed) continue;
      const joined = value === undefined ? vt : commonType(value, vt);
      if (joined === undefined) mixed = true;
      else value = joined;
    }
    const problems = this.problems.length > before;
    if (fields && entries.length > 0 && !problems) return recordOf(fields);
    return mapOf(T.string, mixed || value === undefined ? T.dyn : value);
  }

  private checkTernary(node: Node, locals: Locals): ExprType {
    const [cond, a, b] = node.args as [Node, Node, Node];
    const c = this.check(cond, locals);
    if (c.kind !== "bool" && c.kind !== "dyn") {
      this.reportAt("E_TYPE", `the condition of \`?:\` must be bool, got ${typeToString(c)}`, cond);
    }
    const ta = this.check(a, locals);
    const tb = this.check(b, locals);
    const joined = commonType(ta, tb);
    if (joined) return joined;
    return this.reportAt(
      "E_TYPE",
      `the branches of \`?:\` have different types: ${typeToString(ta)} and ${typeToString(tb)}`,
      node,
    );
  }

  private checkUnary(node: Node, locals: Locals): ExprType {
    const arg = node.args as Node;
    if (node.op === "-_" && arg.op === "value" && arg.args === MAX_INT + 1n) return T.int;
    const t = this.check(arg, locals);
    if (t.kind === "dyn") return node.op === "!_" ? T.bool : T.dyn;
    if (node.op === "!_") {
      if (t.kind !== "bool") {
        return this.reportAt("E_TYPE", `operator \`!\` needs a bool, got ${typeToString(t)}`, node);
      }
      return T.bool;
    }
    if (t.kind === "int" || t.kind === "double" || t.kind === "number" || t.kind === "duration") {
      return t;
    }
    return this.reportAt("E_TYPE", `operator \`-\` cannot be applied to ${typeToString(t)}`, node);
  }

  /** Whether values of the two types may be compared with `==` (or looked up with `in`). */
  private comparable(a: ExprType, b: ExprType): boolean {
    if (a.kind === "dyn" || b.kind === "dyn" || a.kind === "null" || b.kind === "null") return true;
    if (isNumeric(a) && isNumeric(b)) return true;
    if ((a.kind === "object" && b.kind === "map") || (a.kind === "map" && b.kind === "object")) {
      return true;
    }
    return commonType(a, b) !== undefined;
  }

  private checkBinary(node: Node, locals: Locals): ExprType {
    const [l, r] = node.args as [Node, Node];
    const a = this.check(l, locals);
    const b = this.check(r, locals);
    const op = node.op;
    const fail = (message: string) => this.reportAt("E_TYPE", message, node);
    if (op === "==" || op === "!=") {
      if (this.comparable(a, b)) return T.bool;
      fail(`cannot compare ${typeToString(a)} with ${typeToString(b)}`);
      return T.bool;
    }
    if (ORDERING.has(op)) {
      if (a.kind === "dyn" || b.kind === "dyn") return T.bool;
      const ordered = ["string", "bool", "bytes", "timestamp", "duration"];
      if ((isNumeric(a) && isNumeric(b)) || (a.kind === b.kind && ordered.includes(a.kind))) {
        return T.bool;
      }
      fail(`cannot compare ${typeToString(a)} with ${typeToString(b)} using \`${op}\``);
      return T.bool;
    }
    if (op === "in") {
      switch (b.kind) {
        case "dyn":
          return T.bool;
        case "list":
          if (!this.comparable(a, b.elem)) {
            fail(`cannot look for ${typeToString(a)} in ${typeToString(b)}`);
          }
          return T.bool;
        case "map":
          if (!this.comparable(a, b.key)) {
            fail(`cannot look for ${typeToString(a)} in ${typeToString(b)}`);
          }
          return T.bool;
        case "object":
          if (a.kind !== "string" && a.kind !== "dyn") {
            fail(`cannot look for ${typeToString(a)} in ${typeToString(b)}`);
          }
          return T.bool;
        default:
          fail(`operator \`in\` needs a list or a map on its right, got ${typeToString(b)}`);
          return T.bool;
      }
    }
    const result = arithmeticType(op, a, b);
    if (result) return result;
    return fail(
      `operator \`${op}\` cannot be applied to ${typeToString(a)} and ${typeToString(b)}${
        concatHint(op, a, b)
      }`,
    );
  }

  private checkCall(node: Node, locals: Locals): ExprType {
    const [name, args] = node.args as [string, Node[]];
    if (name === "has") return this.checkHas(node, args, locals);
    const types = args.map((a) => this.check(a, locals));
    const candidates = findBuiltins(name, false);
    if (candidates.length === 0) {
      const guess = suggest(name, builtinNames(false));
      const hint = guess === undefined ? "" : `, did you mean \`${guess}\`?`;
      return this.report("E_REF", `unknown function \`${name}\`${hint}`, node.start, name.length),
        T.dyn;
    }
    const overloads = candidates.flatMap((c) => c.overloads);
    return this.resolveOverload(node, name, undefined, overloads, types);
  }

  private resolveOverload(
    node: Node,
    label: string,
    recv: ExprType | undefined,
    overloads: Overload[],
    args: ExprType[],
  ): ExprType {
    const arity = overloads.filter((o) => o.params.length === args.length);
    if (arity.length === 0) {
      const counts = [...new Set(overloads.map((o) => o.params.length))].sort();
      const n = counts.join(" or ");
      return this.reportAt(
        "E_TYPE",
        `\`${label}\` takes ${n} argument${n === "1" ? "" : "s"}, got ${args.length}`,
        node,
      );
    }
    const matching = arity.filter((o) => o.params.every((p, i) => fits(args[i]!, p)));
    if (matching.length === 0) {
      const shown = args.map(typeToString).join(", ");
      const on = recv ? `${typeToString(recv)}.` : "";
      return this.reportAt("E_TYPE", `no overload of \`${on}${label}\` for (${shown})`, node);
    }
    const first = matching[0]!.result;
    return matching.every((o) => sameType(o.result, first)) ? first : T.dyn;
  }

  private checkHas(node: Node, args: Node[], locals: Locals): ExprType {
    const arg = args[0];
    if (args.length !== 1 || arg === undefined || arg.op !== ".") {
      return this.reportAt("E_EXPR", "has() needs a field selection, like `has(x.field)`", node);
    }
    const [left, name] = arg.args as [Node, string];
    const t = this.check(left, locals);
    if (t.kind === "object" && t.field(name) === undefined) {
      this.report("E_REF", missingFieldMessage(t, name), arg.pos, name.length);
    } else if (t.kind !== "object" && t.kind !== "map" && t.kind !== "dyn") {
      this.reportAt("E_TYPE", `has() needs a map or an object, got ${typeToString(t)}`, left);
    }
    return T.bool;
  }

  private checkMethod(node: Node, locals: Locals): ExprType {
    const [name, receiver, args] = node.args as [string, Node, Node[]];
    const bound = boundVariable(node);
    if (bound && !(name === "bind" && this.isShadowed("cel", locals))) {
      return this.checkMacro(name, bound, locals);
    }
    const recv = this.check(receiver, locals);
    const types = args.map((a) => this.check(a, locals));
    if ((MACRO_METHODS as readonly string[]).includes(name)) {
      return this.reportAt(
        "E_TYPE",
        `\`${name}\` takes a variable name and ${
          name === "map" ? "1 or 2 expressions" : "a predicate"
        }`,
        node,
      );
    }
    const candidates = findBuiltins(name, true);
    if (candidates.length === 0) {
      const guess = suggest(name, builtinNames(true));
      const hint = guess === undefined ? "" : `, did you mean \`${guess}\`?`;
      const at = this.source.indexOf(name, receiver.end);
      this.report(
        "E_REF",
        `unknown method \`${name}\`${hint}`,
        at < 0 ? node.start : at,
        name.length,
      );
      return T.dyn;
    }
    const overloads = candidates.flatMap((c) => c.overloads).filter((o) =>
      recv.kind === "dyn" || fits(recv, o.recv!)
    );
    if (overloads.length === 0) {
      return this.reportAt("E_TYPE", `\`${name}\` is not a method of ${typeToString(recv)}`, node);
    }
    if (name === "join" && recv.kind === "list" && !fits(recv.elem, "string")) {
      return this.reportAt(
        "E_TYPE",
        `\`join\` needs a list of strings, got ${typeToString(recv)}`,
        node,
      );
    }
    return this.resolveOverload(node, name, recv, overloads, types);
  }

  private isShadowed(name: string, locals: Locals): boolean {
    return locals.has(name) || Object.hasOwn(this.scope, name);
  }

  private checkMacro(
    name: string,
    bound: { name: string; range: Node; body: Node[] },
    locals: Locals,
  ): ExprType {
    const rangeType = this.check(bound.range, locals);
    if (name === "bind") {
      const inner = new Map(locals).set(bound.name, rangeType);
      return this.check(bound.body[0]!, inner);
    }
    let elem: ExprType;
    switch (rangeType.kind) {
      case "dyn":
        elem = T.dyn;
        break;
      case "list":
        elem = rangeType.elem;
        break;
      case "map":
        elem = rangeType.key;
        break;
      case "object":
        elem = T.string;
        break;
      default:
        this.reportAt(
          "E_TYPE",
          `\`${name}\` needs a list or a map, got ${typeToString(rangeType)}`,
          bound.range,
        );
        elem = T.dyn;
    }
    const inner = new Map(locals).set(bound.name, elem);
    const bodyTypes = bound.body.map((b) => this.check(b, inner));
    const predicates = name === "map" ? bound.body.slice(0, -1) : bound.body;
    predicates.forEach((p, i) => {
      const t = bodyTypes[i]!;
      if (t.kind !== "bool" && t.kind !== "dyn") {
        this.reportAt(
          "E_TYPE",
          `the predicate of \`${name}\` must be bool, got ${typeToString(t)}`,
          p,
        );
      }
    });
    if (name === "map") return listOf(bodyTypes[bodyTypes.length - 1]!);
    if (name === "filter") return listOf(elem);
    return T.bool;
  }
}

/** A hint for `"a" + 1`: CEL does not convert to text implicitly. */
function concatHint(op: string, a: ExprType, b: ExprType): string {
  const strings = Number(a.kind === "string") + Number(b.kind === "string");
  return op === "+" && strings === 1 ? "; convert with `string(…)` to concatenate" : "";
}

function literalType(v: unknown): ExprType {
  switch (typeof v) {
    case "bigint":
      return T.int;
    case "number":
      return T.double;
    case "string":
      return T.string;
    case "boolean":
      return T.bool;
    default:
      if (v === null) return T.null;
      if (v instanceof Uint8Array) return T.bytes;
      if (v instanceof Uint) return T.uint;
      return T.dyn;
  }
}

/** Result type of an arithmetic operator, or `undefined` when it does not apply. */
function arithmeticType(op: string, a: ExprType, b: ExprType): ExprType | undefined {
  if (a.kind === "dyn" || b.kind === "dyn") {
    const other = a.kind === "dyn" ? b : a;
    if (other.kind === "dyn" || isNumeric(other) || op === "+" || op === "-") return T.dyn;
    return undefined;
  }
  if (isNumeric(a) && isNumeric(b)) {
    if (op === "%" && (a.kind === "double" || b.kind === "double")) return undefined;
    if (a.kind === b.kind) return a;
    if (a.kind === "number" || b.kind === "number") {
      const other = a.kind === "number" ? b : a;
      return other.kind === "double" ? T.double : T.number;
    }
    return undefined; // int with uint or double: CEL does not mix them
  }
  if (op === "+") {
    if (a.kind === "string" && b.kind === "string") return T.string;
    if (a.kind === "bytes" && b.kind === "bytes") return T.bytes;
    if (a.kind === "list" && b.kind === "list") return listOf(commonType(a.elem, b.elem) ?? T.dyn);
    if (a.kind === "timestamp" && b.kind === "duration") return T.timestamp;
    if (a.kind === "duration" && b.kind === "timestamp") return T.timestamp;
    if (a.kind === "duration" && b.kind === "duration") return T.duration;
  }
  if (op === "-") {
    if (a.kind === "timestamp" && b.kind === "timestamp") return T.duration;
    if (a.kind === "timestamp" && b.kind === "duration") return T.timestamp;
    if (a.kind === "duration" && b.kind === "duration") return T.duration;
  }
  return undefined;
}

/**
 * The evaluator proper: walks the cel-js AST over JSON-like values (see `evaluate.ts`).
 *
 * @module
 */

import { findBuiltins, methodFor } from "./_builtins.ts";
import type { CallSite } from "./_builtins.ts";
import { checkInt, checkUint } from "./_builtins.ts";
import { literalValue } from "./_parse.ts";
import type { Node } from "./_parse.ts";
import {
  Budget,
  compareValues,
  describeKind,
  Duration,
  ExprError,
  isPlainObject,
  kindOf,
  LimitError,
  MAX_INT,
  ownField,
  Placeholder,
  Uint,
  valueEquals,
} from "./_runtime.ts";

/** Most AST node evaluations in one evaluation. */
const MAX_STEPS = 10_000_000;

export function extendLabel(p: Placeholder, rest: Array<string | bigint>): Placeholder {
  const suffix = rest.map((r) => (typeof r === "bigint" ? `[${r}]` : `.${r}`)).join("");
  const label = p.label.endsWith(">") ? `${p.label.slice(0, -1)}${suffix}>` : `${p.label}${suffix}`;
  return new Placeholder(label);
}

export function checkValue(v: unknown, node: Node): void {
  if (kindOf(v) === undefined) {
    throw new ExprError("E_EVAL", `unsupported value (${typeof v})`, where(node));
  }
}

export function where(node: Node): { offset: number; length: number } {
  return { offset: node.start, length: Math.max(1, node.end - node.start) };
}

/** Thrown inside the evaluator when an operation meets a placeholder. */
export const TOUCHED = Symbol("placeholder touched");

type Locals = ReadonlyMap<string, unknown>;
export const EMPTY: Locals = new Map();

/** Walks the AST of one expression over `vars`, within a {@link Budget}. */
export class Evaluator {
  private budget = new Budget();
  private steps = 0;
  constructor(private vars: Record<string, unknown>) {}

  /** Evaluates a node; may return a placeholder (member access on one). */
  eval(node: Node, locals: Locals): unknown {
    if (++this.steps > MAX_STEPS) {
      throw new LimitError(`expression takes too many steps (more than ${MAX_STEPS})`, where(node));
    }
    switch (node.op) {
      case "value":
        if (typeof node.args === "bigint" && node.args > MAX_INT) {
          throw new ExprError("E_EXPR", `integer literal out of range: ${node.args}`, where(node));
        }
        return literalValue(node.args);
      case "id":
        return this.name(node, locals);
      case ".": {
        const [left, name] = node.args as [Node, string];
        return this.select(this.eval(left, locals), name, node);
      }
      case "[]": {
        const [left, index] = node.args as [Node, Node];
        return this.index(this.eval(left, locals), this.operand(index, locals), node);
      }
      case "list": {
        const items = (node.args as Node[]).map((n) => this.eval(n, locals));
        this.budget.alloc(items.length * 8, where(node));
        return items;
      }
      case "map":
        return this.mapLiteral(node, locals);
      case "?:": {
        const [cond, a, b] = node.args as [Node, Node, Node];
        const c = this.operand(cond, locals);
        if (typeof c !== "boolean") {
          throw new ExprError(
            "E_TYPE",
            `the condition of \`?:\` must be bool, got ${describeKind(c)}`,
            where(cond),
          );
        }
        return this.eval(c ? a : b, locals);
      }
      case "&&":
      case "||":
        return this.logical(node, locals);
      case "!_": {
        const v = this.operand(node.args as Node, locals);
        if (typeof v !== "boolean") throw this.noOverload("!", [v], node);
        return !v;
      }
      case "-_": {
        const arg = node.args as Node;
        if (arg.op === "value" && typeof arg.args === "bigint") {
          return checkInt(-arg.args, where(node));
        }
        return this.negate(this.operand(arg, locals), node);
      }
      case "call":
        return this.call(node, locals);
      case "rcall":
        return this.method(node, locals);
      default: {
        const [l, r] = node.args as [Node, Node];
        return this.binary(node, this.operand(l, locals), this.operand(r, locals));
      }
    }
  }

  /** Evaluates a node whose value an operation uses: a placeholder stops the evaluation. */
  private operand(node: Node, locals: Locals): unknown {
    const v = this.eval(node, locals);
    if (v instanceof Placeholder) throw TOUCHED;
    return v;
  }

  private name(node: Node, locals: Locals): unknown {
    const name = node.args as string;
    if (locals.has(name)) return locals.get(name);
    if (!Object.hasOwn(this.vars, name) || this.vars[name] === undefined) {
      throw new ExprError("E_REF", `unknown name \`${name}\``, where(node));
    }
    const v = this.vars[name];
    checkValue(v, node);
    return v;
  }

  private select(obj: unknown, name: string, node: Node): unknown {
    if (obj instanceof Placeholder) return extendLabel(obj, [name]);
    if (!isPlainObject(obj)) {
      throw new ExprError(
        "E_TYPE",
        `cannot select field \`${name}\` on ${describeKind(obj)}`,
        where(node),
      );
    }
    const v = ownField(obj, name);
    if (v === undefined) {
      throw new ExprError("E_EVAL", `no such key \`${name}\``, {
        offset: node.pos,
        length: name.length,
      });
    }
    checkValue(v, node);
    return v;
  }

  private index(obj: unknown, index: unknown, node: Node): unknown {
    if (obj instanceof Placeholder) {
      if (typeof index === "string" || typeof index === "bigint") return extendLabel(obj, [index]);
      throw TOUCHED;
    }
    if (Array.isArray(obj)) {
      let i: bigint | undefined;
      if (typeof index === "bigint") i = index;
      else if (index instanceof Uint) i = index.value;
      else if (typeof index === "number" && Number.isInteger(index)) i = BigInt(index);
      if (i === undefined) {
        throw new ExprError(
          "E_TYPE",
          `a list index must be an int, got ${describeKind(index)}`,
          where(node),
        );
      }
      if (i < 0n || i >= BigInt(obj.length)) {
        throw new ExprError(
          "E_EVAL",
          `index out of range (list of ${obj.length})`,
          where(node),
        );
      }
      const v = obj[Number(i)];
      checkValue(v, node);
      return v;
    }
    if (isPlainObject(obj)) {
      const key = typeof index === "string" ? index : undefined;
      const v = key === undefined ? undefined : ownField(obj, key);
      if (v === undefined) {
        // the key is not quoted: it may be a secret
        const shown = typeof index === "string" ? "key" : `${describeKind(index)} key`;
        throw new ExprError("E_EVAL", `no such ${shown} in the map`, where(node));
      }
      checkValue(v, node);
      return v;
    }
    throw new ExprError("E_TYPE", `cannot index ${describeKind(obj)}`, where(node));
  }

  private mapLiteral(node: Node, locals: Locals): unknown {
    const out: Record<string, unknown> = Object.create(null);
    const entries = node.args as Array<[Node, Node]>;
    for (const [k, v] of entries) {
      const key = this.operand(k, locals);
      if (typeof key !== "string") {
        throw new ExprError(
          "E_TYPE",
          `map keys must be strings, got ${describeKind(key)}`,
          where(k),
        );
      }
      if (key === "__proto__") {
        throw new ExprError("E_EVAL", "map key `__proto__` is not allowed", where(k));
      }
      if (Object.hasOwn(out, key)) {
        throw new ExprError(
          "E_EVAL",
          "duplicate map key (keys are not shown: they may be secrets)",
          where(k),
        );
      }
      out[key] = this.eval(v, locals);
    }
    this.budget.alloc(entries.length * 16, where(node));
    return out;
  }

  private logical(node: Node, locals: Locals): boolean {
    const [l, r] = node.args as [Node, Node];
    const absorbing = node.op === "||";
    const attempt = (n: Node): { value?: unknown; error?: unknown } => {
      try {
        return { value: this.operand(n, locals) };
      } catch (error) {
        if (error === TOUCHED || (error instanceof ExprError && !(error instanceof LimitError))) {
          return { error };
        }
        throw error;
      }
    };
    const left = attempt(l);
    if (left.value === absorbing) return absorbing;
    const right = attempt(r);
    if (right.value === absorbing) return absorbing;
    if (left.error !== undefined) throw left.error;
    if (right.error !== undefined) throw right.error;
    for (const [side, n] of [[left.value, l], [right.value, r]] as const) {
      if (typeof side !== "boolean") {
        throw new ExprError(
          "E_TYPE",
          `operator \`${node.op}\` needs bool operands, got ${describeKind(side)}`,
          where(n),
        );
      }
    }
    return !absorbing;
  }

  private negate(v: unknown, node: Node): unknown {
    if (typeof v === "bigint") return checkInt(-v, where(node));
    if (typeof v === "number") return -v;
    if (v instanceof Duration) return new Duration(-v.nanos);
    throw this.noOverload("-", [v], node);
  }

  private noOverload(op: string, values: unknown[], node: Node): ExprError {
    const kinds = values.map(describeKind);
    const text = kinds.length === 1 ? `${op}${kinds[0]}` : `${kinds[0]} ${op} ${kinds[1]}`;
    return new ExprError("E_TYPE", `no such overload: ${text}`, where(node));
  }

  private binary(node: Node, a: unknown, b: unknown): unknown {
    const op = node.op;
    switch (op) {
      case "==":
        return valueEquals(a, b);
      case "!=":
        return !valueEquals(a, b);
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const c = compareValues(a, b);
        if (c === undefined) throw this.noOverload(op, [a, b], node);
        if (Number.isNaN(c)) return false;
        return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
      }
      case "in":
        if (Array.isArray(b)) return b.some((x) => valueEquals(a, x));
        if (isPlainObject(b)) return typeof a === "string" && ownField(b, a) !== undefined;
        throw this.noOverload(op, [a, b], node);
      default:
        return this.arithmetic(node, a, b);
    }
  }

  private arithmetic(node: Node, a: unknown, b: unknown): unknown {
    const op = node.op;
    const at = where(node);
    if (typeof a === "bigint" && typeof b === "bigint") {
      if ((op === "/" || op === "%") && b === 0n) {
        throw new ExprError("E_EVAL", op === "/" ? "division by zero" : "modulus by zero", at);
      }
      return checkInt(intOp(op, a, b), at);
    }
    if (a instanceof Uint && b instanceof Uint) {
      if ((op === "/" || op === "%") && b.value === 0n) {
        throw new ExprError("E_EVAL", op === "/" ? "division by zero" : "modulus by zero", at);
      }
      return checkUint(intOp(op, a.value, b.value), at);
    }
    const isNum = (v: unknown) =>
      typeof v === "number" || typeof v === "bigint" || v instanceof Uint;
    if (isNum(a) && isNum(b) && (typeof a === "number" || typeof b === "number") && op !== "%") {
      const x = Number(a instanceof Uint ? a.value : a);
      const y = Number(b instanceof Uint ? b.value : b);
      return op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y;
    }
    if (op === "+") {
      if (typeof a === "string" && typeof b === "string") {
        this.budget.alloc(a.length + b.length, at);
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        this.budget.alloc((a.length + b.length) * 8, at);
        return [...a, ...b];
      }
      if (a instanceof Uint8Array && b instanceof Uint8Array) {
        this.budget.alloc(a.length + b.length, at);
        const out = new Uint8Array(a.length + b.length);
        out.set(a);
        out.set(b, a.length);
        return out;
      }
      if (a instanceof Date && b instanceof Duration) return shift(a, b.nanos, at);
      if (a instanceof Duration && b instanceof Date) return shift(b, a.nanos, at);
      if (a instanceof Duration && b instanceof Duration) return new Duration(a.nanos + b.nanos);
    }
    if (op === "-") {
      if (a instanceof Date && b instanceof Date) {
        return new Duration(BigInt(a.getTime() - b.getTime()) * 1_000_000n);
      }
      if (a instanceof Date && b instanceof Duration) return shift(a, -b.nanos, at);
      if (a instanceof Duration && b instanceof Duration) return new Duration(a.nanos - b.nanos);
    }
    throw this.noOverload(op, [a, b], node);
  }

  private site(node: Node): CallSite {
    return { where: where(node), budget: this.budget };
  }

  private call(node: Node, locals: Locals): unknown {
    const [name, argNodes] = node.args as [string, Node[]];
    if (name === "has") return this.has(node, argNodes, locals);
    const builtin = findBuiltins(name, false)[0];
    if (!builtin) throw new ExprError("E_REF", `unknown function \`${name}\``, where(node));
    const args = argNodes.map((n) => this.operand(n, locals));
    if (!builtin.overloads.some((o) => o.params.length === args.length)) {
      throw new ExprError(
        "E_TYPE",
        `\`${name}\` does not take ${args.length} arguments`,
        where(node),
      );
    }
    return builtin.call(this.site(node), undefined, args);
  }

  private has(node: Node, argNodes: Node[], locals: Locals): boolean {
    const arg = argNodes[0];
    if (argNodes.length !== 1 || arg === undefined || arg.op !== ".") {
      throw new ExprError(
        "E_EXPR",
        "has() needs a field selection, like `has(x.field)`",
        where(node),
      );
    }
    const [left, name] = arg.args as [Node, string];
    const obj = this.operand(left, locals);
    if (!isPlainObject(obj)) {
      throw new ExprError(
        "E_TYPE",
        `has() needs a map or an object, got ${describeKind(obj)}`,
        where(left),
      );
    }
    return ownField(obj, name) !== undefined;
  }

  private method(node: Node, locals: Locals): unknown {
    const [name, receiver, argNodes] = node.args as [string, Node, Node[]];
    const first = argNodes[0];
    const macro = first?.op === "id" ? (first.args as string) : undefined;
    if (
      name === "bind" && receiver.op === "id" && receiver.args === "cel" && macro !== undefined &&
      argNodes.length === 3 && !locals.has("cel") && !Object.hasOwn(this.vars, "cel")
    ) {
      const value = this.eval(argNodes[1]!, locals);
      return this.eval(argNodes[2]!, new Map(locals).set(macro, value));
    }
    if (macro !== undefined && ["map", "filter", "all", "exists", "exists_one"].includes(name)) {
      if (argNodes.length === 2 || (name === "map" && argNodes.length === 3)) {
        return this.comprehension(node, name, macro, receiver, argNodes.slice(1), locals);
      }
    }
    const recv = this.operand(receiver, locals);
    const args = argNodes.map((n) => this.operand(n, locals));
    const builtin = methodFor(name, kindOf(recv));
    if (!builtin) {
      if (findBuiltins(name, true).length === 0) {
        throw new ExprError("E_REF", `unknown method \`${name}\``, where(node));
      }
      throw new ExprError(
        "E_TYPE",
        `\`${name}\` is not a method of ${describeKind(recv)}`,
        where(node),
      );
    }
    if (!builtin.overloads.some((o) => o.params.length === args.length)) {
      throw new ExprError(
        "E_TYPE",
        `\`${name}\` does not take ${args.length} arguments`,
        where(node),
      );
    }
    return builtin.call(this.site(node), recv, args);
  }

  private comprehension(
    node: Node,
    name: string,
    variable: string,
    rangeNode: Node,
    body: Node[],
    locals: Locals,
  ): unknown {
    const range = this.operand(rangeNode, locals);
    let items: unknown[];
    if (Array.isArray(range)) items = range;
    else if (isPlainObject(range)) items = Object.keys(range);
    else {
      throw new ExprError(
        "E_TYPE",
        `\`${name}\` needs a list or a map, got ${describeKind(range)}`,
        where(rangeNode),
      );
    }
    const at = where(node);
    const scope = new Map(locals);
    const run = (n: Node, item: unknown) => (scope.set(variable, item), this.eval(n, scope));
    const predicate = (n: Node, item: unknown): boolean => {
      const v = run(n, item);
      if (v instanceof Placeholder) throw TOUCHED;
      if (typeof v !== "boolean") {
        throw new ExprError(
          "E_TYPE",
          `the predicate of \`${name}\` must be bool, got ${describeKind(v)}`,
          where(n),
        );
      }
      return v;
    };
    if (name === "map" || name === "filter") {
      const out: unknown[] = [];
      for (const item of items) {
        this.budget.iterate(at);
        if (name === "filter") {
          if (predicate(body[0]!, item)) out.push(item);
        } else if (body.length === 1 || predicate(body[0]!, item)) {
          out.push(run(body[body.length - 1]!, item));
        }
      }
      this.budget.alloc(out.length * 8, at);
      return out;
    }
    if (name === "exists_one") {
      let count = 0;
      for (const item of items) {
        this.budget.iterate(at);
        if (predicate(body[0]!, item)) count++;
      }
      return count === 1;
    }
    // all / exists: an error is absorbed when another element decides the result
    const decisive = name === "exists";
    let failure: unknown;
    for (const item of items) {
      this.budget.iterate(at);
      try {
        if (predicate(body[0]!, item) === decisive) return decisive;
      } catch (error) {
        if (error !== TOUCHED && !(error instanceof ExprError)) throw error;
        if (error instanceof LimitError) throw error;
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return !decisive;
  }
}

function intOp(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    default:
      return a % b;
  }
}

function shift(d: Date, nanos: bigint, at: { offset: number; length: number }): Date {
  const ms = d.getTime() + Number(nanos / 1_000_000n);
  if (!(ms >= -62135596800000 && ms <= 253402300799999)) {
    throw new ExprError("E_EVAL", "timestamp out of range", at);
  }
  return new Date(ms);
}

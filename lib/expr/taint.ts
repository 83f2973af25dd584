/**
 * Whether an expression turns a secret it reads into new text or numbers:
 * `inputs.key.upperAscii()`, `inputs.key.substring(0, 2)`, `inputs.key.charAt(i)`,
 * `bytes(inputs.key)` (sent as base64), `inputs.pin + 1`, `-inputs.pin`, `int(…)`. The engine
 * makes such a value a secret of its own, whatever its length, so it is redacted like the
 * original.
 *
 * Selecting or joining values does not make new text: `steps.a.outputs.Token`,
 * `"Bearer " + inputs.key`, `[inputs.key]`, `list.filter(…)` hold the secret as it is, where
 * redacting the secret already finds it, except a short secret (under 3 characters), which is
 * only found as a whole value: joining it into other text derives. Nothing flows into a
 * comparison, a boolean operator, the condition of `?:`, the predicate of
 * `filter`/`all`/`exists`, or functions that return a count, a test, a position or a type
 * (`size`, `contains`, `startsWith`, `matches`, `indexOf`, `has`, `type` …): those are control
 * and measure, not content.
 *
 * @module
 */
import { boundVariable, children, memberPath, type Node, parseCel } from "./_parse.ts";

/**
 * How much of a secret a value holds, from least to most: nothing; secret text as it was (a
 * substring of the value, which a text scan finds); a short secret kept as a whole value
 * (found only by comparing whole values, so it must not be joined into other text); text made
 * from a secret (a new secret).
 */
export type Holds = "nothing" | "copy" | "whole" | "derived";
type Carries = 0 | 1 | 2 | 3;
const Carries = { Nothing: 0, Copy: 1, Whole: 2, Derived: 3 } as const;
const LEVELS: Record<Holds, Carries> = { nothing: 0, copy: 1, whole: 2, derived: 3 };
const NAMES: Holds[] = ["nothing", "copy", "whole", "derived"];

/**
 * Functions and methods whose result does not hold their arguments' content: a count, a test,
 * a type or a position (`indexOf` tells where, not what).
 */
const NO_CONTENT = new Set([
  "size",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "has",
  "type",
  "bool",
  "indexOf",
  "lastIndexOf",
  "all",
  "exists",
  "exists_one",
]);

/** Functions and methods whose result holds their argument's text unchanged. */
const KEEPS_TEXT = new Set(["string", "dyn"]);

/** Functions that join their arguments' text (a short secret in it can no longer be found). */
const JOINS_TEXT = new Set(["join"]);

/** Operators whose result is a boolean. */
const BOOLEAN_OPS = new Set(["==", "!=", "<", "<=", ">", ">=", "&&", "||", "in", "!_"]);

/** In a path given to `isSecret`: each element of a list (each key of a map). */
export const EACH = "*";

/**
 * Whether the value of `source` holds text derived from a path for which `isSecret` is true
 * (`["inputs", "key"]`, `["steps", "auth", "outputs", "Token"]`). A name bound by a macro over
 * a path stands for each element of it: in `steps.a.outputs.Data.map(t, t.Name.upperAscii())`
 * the path asked about is `["steps", "a", "outputs", "Data", "*", "Name"]` (see {@link EACH}).
 * An expression that does not parse derives nothing (it is never evaluated).
 *
 * @example
 * ```ts
 * import { derivesSecret } from "./taint.ts";
 * const isSecret = (path: string[]) => path[0] === "inputs" && path[1] === "key";
 * derivesSecret("inputs.key.upperAscii()", isSecret); // true
 * derivesSecret('"Bearer " + inputs.key', isSecret); // false: the key is in it as it was
 * derivesSecret("size(inputs.key) > 8 ? 'long' : 'short'", isSecret); // false
 * ```
 */
export function derivesSecret(source: string, isSecret: (path: string[]) => boolean): boolean {
  return taintOf(source, (path) => isSecret(path) ? "copy" : "nothing") === "derived";
}

/**
 * How much of a secret the value of `source` holds, given what each path it reads holds
 * (`holds`): `"derived"` when it makes new text or numbers from a secret (`substring`,
 * `charAt`, `split`, `pin + 1`, `-pin`, `int(…)`), or joins a short secret kept whole into
 * other text (`"x" + steps.s.outputs.Short`); else the most any selected part holds.
 *
 * @example
 * ```ts
 * import { taintOf } from "./taint.ts";
 * const holds = (path: string[]) => path[1] === "pin" ? "whole" : "nothing";
 * taintOf("inputs.pin + 1", holds); // "derived"
 * taintOf("[inputs.pin]", holds); // "whole"
 * taintOf('"pin " + string(inputs.pin)', holds); // "derived"
 * ```
 */
export function taintOf(source: string, holds: (path: string[]) => Holds): Holds {
  const parsed = parseCel(source);
  if ("error" in parsed) return "nothing";
  return NAMES[carries(parsed.ast, new Map(), (path) => LEVELS[holds(path)])]!;
}

/** What a macro-bound name stands for: each element of a path, or a value as a whole. */
type Local = { each: string[] } | { value: Carries };

function carries(
  node: Node,
  locals: ReadonlyMap<string, Local>,
  level: (path: string[]) => Carries,
): Carries {
  const path = memberPath(node);
  if (path !== undefined) {
    const local = locals.get(path[0]!);
    if (local === undefined) return level(path);
    if ("value" in local) return local.value;
    return level([...local.each, EACH, ...path.slice(1)]);
  }
  const most = (nodes: Node[]): Carries =>
    nodes.reduce<Carries>(
      (top, n) => Math.max(top, carries(n, locals, level)) as Carries,
      Carries.Nothing,
    );
  // Text or numbers made from what the parts hold.
  const made = (nodes: Node[]): Carries =>
    most(nodes) === Carries.Nothing ? Carries.Nothing : Carries.Derived;
  // Parts joined: a secret found by a text scan stays findable, a short whole one does not.
  const joined = (nodes: Node[]): Carries => {
    const top = most(nodes);
    return top === Carries.Whole ? Carries.Derived : top;
  };
  const bound = boundVariable(node);
  if (bound !== undefined) {
    const name = (node.args as [string])[0];
    const range = carries(bound.range, locals, level);
    const rangePath = memberPath(bound.range);
    const rangeLocal = rangePath === undefined ? undefined : locals.get(rangePath[0]!);
    let local: Local = { value: range };
    if (name !== "bind" && rangePath !== undefined) {
      if (rangeLocal === undefined) local = { each: rangePath };
      else if ("each" in rangeLocal) {
        local = { each: [...rangeLocal.each, EACH, ...rangePath.slice(1)] };
      }
    }
    const inner = new Map(locals).set(bound.name, local);
    switch (name) {
      case "map": // map(x, expr) or map(x, predicate, expr): the last argument is the value
        return carries(bound.body[bound.body.length - 1]!, inner, level);
      case "filter": // the items kept are items of the range
        return range;
      case "bind": // cel.bind(x, init, expr)
        return carries(bound.body[0]!, inner, level);
      default: // all, exists, exists_one: booleans
        return Carries.Nothing;
    }
  }
  switch (node.op) {
    case "value":
      return Carries.Nothing;
    case "?:": {
      const [, whenTrue, whenFalse] = node.args as [Node, Node, Node];
      return most([whenTrue, whenFalse]);
    }
    case "[]": // an element of a container; a secret index only selects
      return carries((node.args as [Node, Node])[0], locals, level);
    case "call":
    case "rcall": {
      const name = (node.args as [string])[0];
      if (NO_CONTENT.has(name)) return Carries.Nothing;
      if (KEEPS_TEXT.has(name)) return most(children(node));
      if (JOINS_TEXT.has(name)) return joined(children(node));
      return made(children(node));
    }
    case "+": // strings and lists joined
      return joined(children(node));
    case "list":
    case "map":
    case ".":
      return most(children(node));
    default:
      // Comparisons and boolean operators make booleans; arithmetic and negation make numbers
      // from their operands (`pin + 1`, `-pin`).
      return BOOLEAN_OPS.has(node.op) ? Carries.Nothing : made(children(node));
  }
}

/**
 * Every member path an expression reads, in source order. A name bound by a macro over a path
 * stands for each element of it: `steps.a.outputs.Data.map(t, t.Name)` reads
 * `["steps", "a", "outputs", "Data", "*", "Name"]` only, while `filter` (whose result is whole
 * elements) also reads the range itself. An expression that does not parse reads nothing.
 *
 * @example
 * ```ts
 * import { readPaths } from "./taint.ts";
 * readPaths("size(inputs.names) > 0 && steps.a.outputs.X == 1");
 * // [["inputs", "names"], ["steps", "a", "outputs", "X"]]
 * ```
 */
export function readPaths(source: string): string[][] {
  const parsed = parseCel(source);
  if ("error" in parsed) return [];
  const paths: string[][] = [];
  const walk = (node: Node, locals: ReadonlyMap<string, string[] | null>): void => {
    const path = memberPath(node);
    if (path !== undefined) {
      const local = locals.get(path[0]!);
      if (local === undefined) paths.push(path);
      else if (local !== null) paths.push([...local, EACH, ...path.slice(1)]);
      return;
    }
    const bound = boundVariable(node);
    if (bound !== undefined) {
      const macro = (node.args as [string])[0];
      const rangePath = memberPath(bound.range);
      // Iterating a path reads its elements through the bound name; `filter` (whose result is
      // elements of the range) and `cel.bind` read the range as a whole.
      if (rangePath === undefined || macro === "filter" || macro === "bind") {
        walk(bound.range, locals);
      }
      let each: string[] | null = null;
      if (macro !== "bind" && rangePath !== undefined) {
        const outer = locals.get(rangePath[0]!);
        each = outer === undefined
          ? rangePath
          : outer === null
          ? null
          : [...outer, EACH, ...rangePath.slice(1)];
      }
      const inner = new Map(locals).set(bound.name, each);
      for (const n of bound.body) walk(n, inner);
      return;
    }
    for (const child of children(node)) walk(child, locals);
  };
  walk(parsed.ast, new Map());
  return paths;
}

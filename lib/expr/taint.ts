/**
 * Whether an expression turns a secret it reads into new text: `inputs.key.upperAscii()`,
 * `inputs.key.substring(0, 8)`, `inputs.key.replace("-", "")`, `bytes(inputs.key)` (sent as
 * base64). The engine makes such a value a secret of its own, so it is redacted like the
 * original.
 *
 * Selecting or joining values does not make new text: `steps.a.outputs.Token`,
 * `"Bearer " + inputs.key`, `[inputs.key]`, `list.filter(…)` hold the secret as it is, where
 * redacting the secret already finds it. Nothing flows into a comparison, a boolean operator,
 * the condition of `?:`, the predicate of `filter`/`all`/`exists`, or functions that return a
 * count, a test or a type (`size`, `contains`, `startsWith`, `matches`, `has`, `int` …).
 *
 * @module
 */
import { boundVariable, children, memberPath, type Node, parseCel } from "./_parse.ts";

/**
 * How much of a secret a value holds: nothing; secret text as it was (a substring of the
 * value, which redacting the secret finds); text made from a secret (a new secret).
 */
type Carries = 0 | 1 | 2;
const Carries = { Nothing: 0, Copy: 1, Derived: 2 } as const;

/** Functions and methods whose result does not hold their arguments' content. */
const NO_CONTENT = new Set([
  "size",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "has",
  "type",
  "bool",
  "int",
  "uint",
  "double",
  "all",
  "exists",
  "exists_one",
]);

/** Functions and methods whose result holds their arguments' text unchanged. */
const KEEPS_TEXT = new Set(["string", "dyn", "join"]);

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
  const parsed = parseCel(source);
  if ("error" in parsed) return false;
  return carries(parsed.ast, new Map(), isSecret) === Carries.Derived;
}

/** What a macro-bound name stands for: each element of a path, or a value as a whole. */
type Local = { each: string[] } | { value: Carries };

function carries(
  node: Node,
  locals: ReadonlyMap<string, Local>,
  isSecret: (path: string[]) => boolean,
): Carries {
  const path = memberPath(node);
  if (path !== undefined) {
    const local = locals.get(path[0]!);
    if (local === undefined) return isSecret(path) ? Carries.Copy : Carries.Nothing;
    if ("value" in local) return local.value;
    return isSecret([...local.each, EACH, ...path.slice(1)]) ? Carries.Copy : Carries.Nothing;
  }
  const most = (nodes: Node[]): Carries =>
    nodes.reduce<Carries>(
      (top, n) => Math.max(top, carries(n, locals, isSecret)) as Carries,
      Carries.Nothing,
    );
  const bound = boundVariable(node);
  if (bound !== undefined) {
    const name = (node.args as [string])[0];
    const range = carries(bound.range, locals, isSecret);
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
        return carries(bound.body[bound.body.length - 1]!, inner, isSecret);
      case "filter": // the items kept are items of the range
        return range;
      case "bind": // cel.bind(x, init, expr)
        return carries(bound.body[0]!, inner, isSecret);
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
      return carries((node.args as [Node, Node])[0], locals, isSecret);
    case "call":
    case "rcall": {
      const name = (node.args as [string])[0];
      if (NO_CONTENT.has(name)) return Carries.Nothing;
      const args = most(children(node));
      if (KEEPS_TEXT.has(name) || args === Carries.Nothing) return args;
      return Carries.Derived;
    }
    case "+": // strings and lists joined: each part is kept as it was
    case "list":
    case "map":
    case ".":
      return most(children(node));
    default:
      // Arithmetic and negation make numbers, which are never secrets themselves; comparisons
      // and boolean operators make booleans.
      return BOOLEAN_OPS.has(node.op) ? Carries.Nothing : most(children(node));
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

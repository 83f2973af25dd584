/**
 * Parsing CEL with `@marcbachmann/cel-js`, bounded: source length, nesting depth and AST size
 * are limited before the parser runs, so hostile input cannot exhaust the stack.
 *
 * Only the parser of cel-js is used; type checking (`check.ts`) and evaluation
 * (`evaluate.ts`) walk its AST themselves.
 *
 * @module
 */

import { createCelParser, ParseError, UnsignedInt } from "../vendor/cel.js";
import { Uint } from "./_runtime.ts";

/** Longest expression source accepted (characters). */
export const MAX_SOURCE_CHARS = 100_000;
/** Deepest nesting of brackets and unary operators accepted. */
export const MAX_NESTING = 100;
const MAX_AST_NODES = 20_000;

/** A node of the cel-js AST (the fields this module relies on). */
export interface Node {
  /** Operator: `value`, `id`, `.`, `[]`, `call`, `rcall`, `list`, `map`, `?:`, `!_`, `-_`, `+` … */
  op: string;
  /** Operator-specific: a literal, a name, child nodes, `[name, receiver, args]` … */
  args: unknown;
  /** Offset of the node's own token (the field name for `.`, the operator start otherwise). */
  pos: number;
  start: number;
  end: number;
}

/** A parse failure: a message and where it is in the source. */
export interface ParseFailure {
  message: string;
  offset: number;
  length: number;
}

const parser = createCelParser({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: {
    maxAstNodes: MAX_AST_NODES,
    maxDepth: MAX_NESTING,
    maxListElements: 10_000,
    maxMapEntries: 10_000,
    maxCallArguments: 32,
  },
});

const cache = new Map<string, Node | ParseFailure>();
const CACHE_SIZE = 1000;

/** Parses `source`, returning its AST or where and why it does not parse. Memoized. */
export function parseCel(source: string): { ast: Node } | { error: ParseFailure } {
  let entry = cache.get(source);
  if (entry === undefined) {
    entry = parseUncached(source);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, entry);
  }
  return "op" in entry ? { ast: entry } : { error: entry };
}

function parseUncached(source: string): Node | ParseFailure {
  if (source.length > MAX_SOURCE_CHARS) {
    return {
      message: `expression is too long (${source.length} characters, at most ${MAX_SOURCE_CHARS})`,
      offset: 0,
      length: 1,
    };
  }
  const nesting = nestingProblem(source);
  if (nesting) return nesting;
  if (source.trim() === "") return { message: "empty expression", offset: 0, length: 1 };
  try {
    return parser.parse(source) as unknown as Node;
  } catch (error) {
    if (error instanceof ParseError) {
      const range = error.range ?? { start: 0, end: 0 };
      const start = Math.min(range.start, Math.max(0, source.length - 1));
      let message = error.summary ?? error.message;
      if (error.code === "limit_exceeded") {
        message = /Depth/i.test(message)
          ? `expression is nested too deeply (more than ${MAX_NESTING} levels)`
          : `expression is too large (${message})`;
      }
      return {
        message: lowerFirst(message),
        offset: start,
        length: Math.max(1, range.end - start),
      };
    }
    if (error instanceof RangeError) {
      return { message: "expression is nested too deeply", offset: 0, length: 1 };
    }
    if (error instanceof Error) {
      // e.g. a `u` literal beyond uint64, rejected by cel-js while lexing
      return { message: lowerFirst(error.message), offset: 0, length: Math.max(1, source.length) };
    }
    throw error;
  }
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/**
 * Finds nesting deeper than {@link MAX_NESTING}: open brackets plus runs of prefix operators
 * (`!`, `-`), outside string literals. Runs before the parser, whose unary rule recurses
 * without a limit.
 */
function nestingProblem(source: string): ParseFailure | undefined {
  let depth = 0;
  let unary = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '"' || ch === "'") {
      i = skipString(source, i) - 1;
      unary = 0;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") continue;
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
    if (ch === "!" && source[i + 1] !== "=") unary++;
    else if (ch === "-") unary++;
    else unary = 0;
    if (depth + unary > MAX_NESTING) {
      return {
        message: `expression is nested too deeply (more than ${MAX_NESTING} levels)`,
        offset: i,
        length: 1,
      };
    }
  }
  return undefined;
}

/** The offset just after the string literal starting at `start` (or the end of the source). */
function skipString(source: string, start: number): number {
  const quote = source[start]!;
  const raw = start > 0 && /[rR]/.test(source[start - 1]!);
  const triple = source.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  while (i < source.length) {
    if (!raw && source[i] === "\\") {
      i += 2;
      continue;
    }
    if (source.startsWith(close, i)) return i + close.length;
    if (!triple && source[i] === "\n") return i;
    i++;
  }
  return source.length;
}

/** Child nodes of a node, in source order (for walkers that do not care about the operator). */
export function children(node: Node): Node[] {
  const a = node.args;
  switch (node.op) {
    case "value":
    case "id":
      return [];
    case ".":
    case ".?":
      return [(a as [Node, string])[0]];
    case "call":
      return (a as [string, Node[]])[1];
    case "rcall": {
      const [, receiver, args] = a as [string, Node, Node[]];
      return [receiver, ...args];
    }
    case "map":
      return (a as Array<[Node, Node]>).flat();
    case "!_":
    case "-_":
      return [a as Node];
    default:
      return Array.isArray(a) ? (a as Node[]) : [];
  }
}

/** One name of a member path and where it is in the source. */
export interface PathSegment {
  name: string;
  offset: number;
  length: number;
}

/**
 * The member path of a node made only of names and field selections (`steps.a.outputs.X`,
 * also `steps["a"]` with a string literal), or `undefined`.
 */
export function memberChain(node: Node): PathSegment[] | undefined {
  const path: PathSegment[] = [];
  let n: Node = node;
  while (true) {
    if (n.op === "id") {
      path.push({ name: n.args as string, offset: n.start, length: n.end - n.start });
      return path.reverse();
    }
    if (n.op === ".") {
      const [left, name] = n.args as [Node, string];
      path.push({ name, offset: n.pos, length: name.length });
      n = left;
      continue;
    }
    if (n.op === "[]") {
      const [left, index] = n.args as [Node, Node];
      if (index.op !== "value" || typeof index.args !== "string") return undefined;
      path.push({ name: index.args, offset: index.start, length: index.end - index.start });
      n = left;
      continue;
    }
    return undefined;
  }
}

/** The names of {@link memberChain}. */
export function memberPath(node: Node): string[] | undefined {
  return memberChain(node)?.map((segment) => segment.name);
}

/** The runtime value of a literal node's `args` (cel-js `1u` literals become `Uint`). */
export function literalValue(v: unknown): unknown {
  return v instanceof UnsignedInt ? new Uint(v.value) : v;
}

const MACROS = new Set(["map", "filter", "all", "exists", "exists_one"]);

/** A macro that binds a variable: its name, the node it ranges over and its body. */
export function boundVariable(node: Node): { name: string; range: Node; body: Node[] } | undefined {
  if (node.op !== "rcall") return undefined;
  const [name, receiver, args] = node.args as [string, Node, Node[]];
  const first = args[0];
  if (first?.op !== "id") return undefined;
  if (MACROS.has(name) && args.length >= 2) {
    return { name: first.args as string, range: receiver, body: args.slice(1) };
  }
  if (name === "bind" && receiver.op === "id" && receiver.args === "cel" && args.length === 3) {
    return { name: first.args as string, range: args[1]!, body: [args[2]!] };
  }
  return undefined;
}

/**
 * Private helper of `parse.ts`: reads a composed YAML document into workflow values with
 * source positions, splitting `${{ … }}` expressions, guarding against alias bombs and deep
 * nesting, and collecting diagnostics.
 *
 * @module
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineIndex,
  type YamlNode,
  type YamlScalar,
} from "./_yaml_tree.ts";
import { suggest } from "../catalog/suggest.ts";
import type { Diagnostic, DiagnosticCode } from "./diagnostic.ts";
import type { ExprPart, MapEntry, Pos, ValueNode } from "./model.ts";
import { alignText } from "./position.ts";
import { closingBraces, unmask } from "./_mask.ts";

/** Deepest nesting of collections accepted in a workflow file. */
export const MAX_DEPTH = 64;
/** Most aliases (`*name`) a workflow file may use. */
export const MAX_ALIASES = 100;
/** Most values a workflow file may expand to (aliases included). */
export const MAX_NODES = 100_000;

/** A key of a YAML mapping with its value node. */
export interface YamlEntry {
  key: string;
  keyPos: Pos;
  node: YamlNode | null;
}

type MapValue = Extract<ValueNode, { kind: "map" }>;

/** Reads one YAML document; every problem goes to `diagnostics`. */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  #aliases = 0;
  #nodes = 0;
  #exhausted = false;
  #tooDeep = false;

  constructor(
    readonly source: string,
    readonly file: string,
    readonly lines: LineIndex,
  ) {}

  /** Records a diagnostic. */
  report(code: DiagnosticCode, message: string, pos: Pos, severity: "error" | "warning" = "error") {
    this.diagnostics.push({
      code,
      message,
      file: this.file,
      line: pos.line,
      column: pos.column,
      severity,
      length: pos.length,
    });
  }

  /** Position of a source range. */
  range(start: number, end: number): Pos {
    return this.at(start, end - start);
  }

  /** Position of `length` characters at `offset`. */
  at(offset: number, length: number): Pos {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col, offset, length: Math.max(1, length) };
  }

  /** Position of a node (its value, without trailing comments), or `fallback`. */
  pos(node: YamlNode | null | undefined, fallback: Pos): Pos {
    const range = node?.range;
    if (!range) return fallback;
    return this.range(range[0], range[1]);
  }

  /** Follows an alias to its anchored node, counting aliases against {@link MAX_ALIASES}. */
  deref(node: YamlNode | null | undefined): YamlNode | null {
    if (node === null || node === undefined) return null;
    if (!isAlias(node)) return node;
    this.#aliases++;
    if (this.#aliases > MAX_ALIASES) {
      if (this.#aliases === MAX_ALIASES + 1) {
        this.report(
          "E_YAML",
          `too many aliases (more than ${MAX_ALIASES}); is this an alias bomb?`,
          this.pos(node, this.range(0, 1)),
        );
      }
      this.#exhausted = true;
      return null;
    }
    const target = node.target;
    if (target === undefined) {
      this.report("E_YAML", `unknown alias \`*${node.source}\``, this.pos(node, this.range(0, 1)));
      return null;
    }
    return target;
  }

  /** Checks an explicit tag: only the core schema's own tags are accepted. */
  checkTag(node: YamlNode, fallback: Pos): boolean {
    const tag = (node as { tag?: string }).tag;
    if (tag === undefined || CORE_TAGS.has(tag)) return true;
    this.report("E_YAML", `tags are not allowed (\`${shortTag(tag)}\`)`, this.pos(node, fallback));
    return false;
  }

  /** The entries of a mapping node; reports duplicate and non-string keys. */
  entries(node: YamlNode): YamlEntry[] {
    const result: YamlEntry[] = [];
    if (!isMap(node)) return result;
    const seen = new Map<string, Pos>();
    const nodePos = this.pos(node, this.range(0, 1));
    for (const pair of node.items) {
      const keyNode = this.deref(pair.key);
      let key: string;
      let keyPos: Pos;
      if (keyNode !== null && isScalar(keyNode) && keyNode.value !== null) {
        const value = keyNode.value;
        if (typeof value === "object") {
          this.report("E_YAML", "a mapping key must be a plain value", this.pos(keyNode, nodePos));
          continue;
        }
        key = unmask(String(value));
        keyPos = this.pos(keyNode, nodePos);
      } else {
        this.report(
          "E_YAML",
          "a mapping key must be a string",
          this.pos(keyNode ?? (pair.value), nodePos),
        );
        continue;
      }
      const first = seen.get(key);
      if (first !== undefined) {
        this.report("E_YAML", `duplicate key \`${key}\` (first at line ${first.line})`, keyPos);
        continue;
      }
      seen.set(key, keyPos);
      result.push({ key, keyPos, node: (pair.value) ?? null });
    }
    return result;
  }

  /** Reports the keys of `entries` that are not in `allowed`, with a "did you mean". */
  checkKeys(entries: YamlEntry[], allowed: readonly string[], where: string): void {
    for (const entry of entries) {
      if (allowed.includes(entry.key)) continue;
      const hint = suggest(entry.key, allowed);
      this.report(
        "E_SCHEMA",
        `unknown key \`${entry.key}\` in ${where}${hint ? `; did you mean \`${hint}\`?` : ""}`,
        entry.keyPos,
      );
    }
  }

  /** Converts a YAML node into a workflow value (expressions split, integers as bigint). */
  value(raw: YamlNode | null, fallback: Pos, depth = 0): ValueNode {
    const node = this.deref(raw);
    if (node === null) return { kind: "literal", value: null, pos: this.pos(raw, fallback) };
    const pos = this.pos(node, fallback);
    if (this.#exhausted) return { kind: "literal", value: null, pos };
    this.#nodes++;
    if (this.#nodes > MAX_NODES) {
      this.report(
        "E_YAML",
        `the document expands to more than ${MAX_NODES} values; is this an alias bomb?`,
        pos,
      );
      this.#exhausted = true;
      return { kind: "literal", value: null, pos };
    }
    if (depth > MAX_DEPTH) {
      if (!this.#tooDeep) {
        this.report("E_YAML", `values are nested deeper than ${MAX_DEPTH} levels`, pos);
        this.#tooDeep = true;
      }
      return { kind: "literal", value: null, pos };
    }
    if (!this.checkTag(node, fallback)) return { kind: "literal", value: null, pos };
    if (isMap(node)) {
      const entries: MapEntry[] = this.entries(node).map((entry) => ({
        key: entry.key,
        keyPos: entry.keyPos,
        value: this.value(entry.node, entry.keyPos, depth + 1),
      }));
      return { kind: "map", entries, pos };
    }
    if (isSeq(node)) {
      const items = node.items.map((item) => this.value(item, pos, depth + 1));
      return { kind: "list", items, pos };
    }
    if (isScalar(node)) return this.scalar(node, pos);
    this.report("E_YAML", "unsupported YAML node", pos);
    return { kind: "literal", value: null, pos };
  }

  /** A value that must be a mapping; reports `what` when it is not. */
  mapValue(raw: YamlNode | null, fallback: Pos, what: string): MapValue | undefined {
    const value = this.value(raw, fallback);
    if (value.kind === "map") return value;
    if (value.kind === "literal" && value.value === null && raw === null) {
      return { kind: "map", entries: [], pos: value.pos };
    }
    this.report("E_SCHEMA", `${what} must be a mapping, got ${describeValue(value)}`, value.pos);
    return undefined;
  }

  private scalar(node: YamlScalar, pos: Pos): ValueNode {
    const value = typeof node.value === "string" ? unmask(node.value) : node.value;
    if (typeof value !== "string") {
      if (
        value === null || typeof value === "boolean" || typeof value === "number" ||
        typeof value === "bigint"
      ) {
        return { kind: "literal", value, pos };
      }
      this.report("E_YAML", "unsupported scalar value", pos);
      return { kind: "literal", value: null, pos };
    }
    if (!value.includes("${{")) return { kind: "literal", value, pos };
    const found = findExpressions(value);
    if ("error" in found) {
      const offsets = this.align(node, value);
      const at = offsets?.[found.at];
      this.report(
        "E_EXPR",
        found.error,
        at === undefined ? pos : this.at(at, 3),
      );
      return { kind: "literal", value, pos };
    }
    const offsets = this.align(node, value);
    const parts: Array<string | ExprPart> = [];
    let last = 0;
    for (const span of found) {
      if (span.start > last) parts.push(value.slice(last, span.start));
      parts.push(this.exprPart(value, span, offsets, pos));
      last = span.end;
    }
    if (last < value.length) parts.push(value.slice(last));
    const only = found.length === 1 && found[0]!;
    if (only && value.slice(0, only.start).trim() === "" && value.slice(only.end).trim() === "") {
      const expr = parts.find((part): part is ExprPart => typeof part !== "string")!;
      return { kind: "expr", expr, pos };
    }
    return { kind: "template", parts, pos };
  }

  private exprPart(value: string, span: Span, offsets: number[] | undefined, pos: Pos): ExprPart {
    const inner = value.slice(span.start + 3, span.end - 2);
    const lead = inner.length - inner.trimStart().length;
    const source = inner.trim();
    if (source === "") {
      const at = offsets?.[span.start];
      this.report(
        "E_EXPR",
        "empty expression `${{ }}`",
        at === undefined ? pos : this.at(at, span.end - span.start),
      );
    }
    const first = offsets?.[span.start + 3 + lead];
    const last = offsets?.[span.start + 3 + lead + Math.max(source.length, 1) - 1];
    if (first === undefined || last === undefined) return { source, pos };
    return { source, pos: this.at(first, last + 1 - first) };
  }

  /** Source offset of every character of a scalar's value, when they can be known. */
  private align(node: YamlScalar, value: string): number[] | undefined {
    const range = node.range;
    if (!range) return undefined;
    let start = range[0];
    switch (node.type) {
      case "QUOTE_DOUBLE":
        return alignText(value, this.source, start + 1, {});
      case "QUOTE_SINGLE":
        return alignText(value, this.source, start + 1, { singleQuoted: true });
      case "BLOCK_LITERAL":
      case "BLOCK_FOLDED": {
        const newline = this.source.indexOf("\n", start);
        if (newline < 0) return undefined;
        start = newline + 1;
        return alignText(value, this.source, start, {});
      }
      default:
        return alignText(value, this.source, start, {});
    }
  }
}

const CORE_TAGS = new Set([
  "tag:yaml.org,2002:str",
  "tag:yaml.org,2002:int",
  "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:bool",
  "tag:yaml.org,2002:null",
  "tag:yaml.org,2002:seq",
  "tag:yaml.org,2002:map",
]);

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
}

/** A `${{ … }}` span in a string: `start` at `$`, `end` after `}}`. */
interface Span {
  start: number;
  end: number;
}

/**
 * Finds the `${{ … }}` spans of a string. The closing `}}` is the first one outside CEL
 * string literals and outside braces opened inside the expression (so map literals work).
 */
export function findExpressions(text: string): Span[] | { error: string; at: number } {
  const spans: Span[] = [];
  let index = text.indexOf("${{");
  while (index >= 0) {
    const end = closingBraces(text, index + 3);
    if (end < 0) {
      return { error: "unterminated expression: `${{` without a closing `}}`", at: index };
    }
    spans.push({ start: index, end: end + 2 });
    index = text.indexOf("${{", end + 2);
  }
  return spans;
}

/** Describes a value for messages: `integer 3`, `string "x"`, `a list`. */
export function describeValue(value: ValueNode): string {
  switch (value.kind) {
    case "literal": {
      const v = value.value;
      if (v === null) return "null";
      if (typeof v === "bigint") return `integer ${v}`;
      if (typeof v === "number") return `number ${v}`;
      if (typeof v === "boolean") return `boolean ${v}`;
      return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
    }
    case "expr":
      return "an expression";
    case "template":
      return "a string template";
    case "list":
      return "a list";
    case "map":
      return "a mapping";
  }
}

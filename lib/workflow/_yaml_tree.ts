/**
 * Private helper of `parse.ts`: the composed YAML tree the workflow reader walks. Two
 * composers build it: `_yaml_events.ts` from the parser events of `js-yaml` (fast when cold,
 * the usual path) and `_yaml_document.ts` from a `yaml` document (every other file, and the
 * YAML error messages). `test/yaml_compose_test.ts` checks that both give the same tree.
 *
 * A node's `range` is `[start, end)` in the source, as the `yaml` package counts it: a quoted
 * scalar with its quotes, a block scalar from its `|` or `>`, a block collection up to where
 * the next token begins.
 *
 * @module
 */

/** A composed YAML node. */
export type YamlNode = YamlMap | YamlSeq | YamlScalar | YamlAlias;

/** How a scalar is written. */
export type ScalarStyle =
  | "PLAIN"
  | "QUOTE_DOUBLE"
  | "QUOTE_SINGLE"
  | "BLOCK_LITERAL"
  | "BLOCK_FOLDED";

/** The value of a scalar under the YAML 1.2 core schema (integers as bigint). */
export type ScalarValue = string | bigint | number | boolean | null;

interface NodeBase {
  /** `[start, end)` source offsets. */
  range: [number, number];
  /** An explicit tag, expanded (`tag:yaml.org,2002:str`); absent when the node has none. */
  tag?: string;
}

/** A mapping. */
export interface YamlMap extends NodeBase {
  kind: "map";
  items: YamlPair[];
}

/** A key and its value; either may be missing (`null`). */
export interface YamlPair {
  key: YamlNode | null;
  value: YamlNode | null;
}

/** A sequence. */
export interface YamlSeq extends NodeBase {
  kind: "seq";
  items: Array<YamlNode | null>;
}

/** A scalar. */
export interface YamlScalar extends NodeBase {
  kind: "scalar";
  type: ScalarStyle;
  value: ScalarValue;
}

/** An alias `*name`. */
export interface YamlAlias extends NodeBase {
  kind: "alias";
  /** The anchor's name. */
  source: string;
  /** The nearest node anchored `&name` before the alias, when there is one. */
  target: YamlNode | undefined;
}

/** Whether `node` is a mapping. */
export const isMap = (node: YamlNode | null | undefined): node is YamlMap => node?.kind === "map";
/** Whether `node` is a sequence. */
export const isSeq = (node: YamlNode | null | undefined): node is YamlSeq => node?.kind === "seq";
/** Whether `node` is a scalar. */
export const isScalar = (node: YamlNode | null | undefined): node is YamlScalar =>
  node?.kind === "scalar";
/** Whether `node` is an alias. */
export const isAlias = (node: YamlNode | null | undefined): node is YamlAlias =>
  node?.kind === "alias";

/**
 * The plain scalar forms of the YAML 1.2 core schema, as the `yaml` package resolves them.
 * The first character picks the forms to try, so words (most scalars) cost no regular
 * expression.
 */
export function resolvePlain(source: string): ScalarValue {
  switch (source[0]) {
    case undefined:
      return null;
    case "~":
    case "n":
    case "N":
      return /^(?:~|[Nn]ull|NULL)$/.test(source) ? null : source;
    case "t":
    case "T":
    case "f":
    case "F":
      if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source)) {
        return source[0] === "t" || source[0] === "T";
      }
      return source;
    case "+":
    case "-":
    case ".":
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7":
    case "8":
    case "9":
      return resolveNumber(source);
    default:
      return source;
  }
}

function resolveNumber(source: string): ScalarValue {
  if (/^0o[0-7]+$|^[-+]?[0-9]+$|^0x[0-9a-fA-F]+$/.test(source)) return BigInt(source);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    if (source.slice(-3).toLowerCase() === "nan") return NaN;
    return source[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$|^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/
      .test(source)
  ) {
    return parseFloat(source);
  }
  return source;
}

/** Line and column (1-based) of source offsets, like the `yaml` package's `LineCounter`. */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(source: string) {
    for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) {
      this.#starts.push(i + 1);
    }
  }

  /** The line and column of `offset`. */
  linePos(offset: number): { line: number; col: number } {
    const starts = this.#starts;
    let low = 0;
    let high = starts.length;
    while (low + 1 < high) {
      const mid = (low + high) >> 1;
      if (offset < starts[mid]!) high = mid;
      else low = mid;
    }
    return { line: low + 1, col: offset - starts[low]! + 1 };
  }
}

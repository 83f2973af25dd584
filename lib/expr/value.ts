/**
 * The values expressions live in: a node of the workflow document (`literal`, `expr`,
 * `template`, `list`, `map`) with its source position. The parser (`lib/workflow/`) builds them;
 * `resolve.ts` evaluates them. Re-exported by `lib/workflow/model.ts`.
 *
 * @module
 */

/** A position in the workflow file: 1-based line and column, 0-based offset. */
export interface Pos {
  /** Line number, 1-based. */
  line: number;
  /** Column number, 1-based. */
  column: number;
  /** Offset of the node's first character in the file text, 0-based. */
  offset: number;
  /** Length of the source text of the node (at least 1). */
  length: number;
}

/** An embedded `${{ … }}` expression. `source` is the CEL text between the braces. */
export interface ExprPart {
  /** The CEL text between `${{` and `}}`. */
  source: string;
  /** Position of the CEL text itself (after `${{`). */
  pos: Pos;
}

/**
 * A value of the workflow document (in `with:`, `set:`, `outputs:` …).
 * - `expr`: the whole YAML scalar is exactly one expression; the value keeps its type.
 * - `template`: a string with embedded expressions, interpolated as text.
 */
export type ValueNode =
  | { kind: "literal"; value: null | boolean | string | number | bigint; pos: Pos }
  | { kind: "expr"; expr: ExprPart; pos: Pos }
  | { kind: "template"; parts: Array<string | ExprPart>; pos: Pos }
  | { kind: "list"; items: ValueNode[]; pos: Pos }
  | { kind: "map"; entries: MapEntry[]; pos: Pos };

/** One key of a map value. */
export interface MapEntry {
  /** The key as written. */
  key: string;
  /** Position of the key. */
  keyPos: Pos;
  /** The value under the key. */
  value: ValueNode;
}
